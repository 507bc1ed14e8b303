/// How every mode of mediad reads its command line (the daemon, `--observe`, `--observe-links`):
/// the one place that knows the syntax, while each mode keeps its own options, checks their values
/// and words its own messages. Hand-written because swift-argument-parser would cost the idle
/// daemon 1 MiB of resident memory (bench/findings.md, section 5).
///
/// - `--name value` and `--name=value` for an option that takes a value; the word after `--name`
///   is its value whatever it looks like, and `--name=` gives the empty value (the mode decides
///   whether that is allowed);
/// - `--name` for a flag (`--name=value` for a flag is not an option it knows);
/// - `--help` or `-h` ends the reading: the mode prints its usage;
/// - anything else is an unknown option, and a valued option as the last word misses its value.
///
/// Words come back in the order given, so a repeated option is the mode's choice: the daemon and
/// `--observe` keep the last one, `--observe-links` collects `--allow-if` and `--lan-prefix`.
struct OptionParser {
    /// Options that take a value.
    let valued: Set<String>
    /// Options that take none.
    let flags: Set<String>

    init(valued: Set<String>, flags: Set<String> = []) {
        self.valued = valued
        self.flags = flags
    }

    enum Word: Equatable {
        case option(String, value: String)
        case flag(String)
    }

    enum Outcome: Equatable {
        case words([Word])
        case help
    }

    enum Problem: Error, Equatable {
        case unknown(String)
        case missingValue(String)
    }

    func parse(_ arguments: [String]) throws(Problem) -> Outcome {
        var words: [Word] = []
        var rest = arguments[...]
        while let word = rest.popFirst() {
            if word == "--help" || word == "-h" { return .help }
            if flags.contains(word) {
                words.append(.flag(word))
            } else if valued.contains(word) {
                guard let value = rest.popFirst() else { throw .missingValue(word) }
                words.append(.option(word, value: value))
            } else if word.hasPrefix("--"), let equals = word.firstIndex(of: "="),
                      valued.contains(String(word[..<equals])) {
                words.append(.option(String(word[..<equals]), value: String(word[word.index(after: equals)...])))
            } else {
                throw .unknown(word)
            }
        }
        return .words(words)
    }
}
