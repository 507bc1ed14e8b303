import ArgumentParser
import Foundation
@testable import mediactl
import Testing

/// `--help` as a clerk reads it on an 80-column terminal, for every command mediactl has.
@Suite struct HelpTests {
    static let width = 80

    /// Every command's path below `mediactl` (`["media", "register"]`), from the parser's own
    /// description of the command tree, so a new command is checked without being listed here.
    static func commandPaths(_ cli: CLI) throws -> [[String]] {
        let dump = try cli.run(["--experimental-dump-help"])
        try #require(dump.status == 0, "\(dump.err)")
        let tool = try #require(try JSONSerialization.jsonObject(with: Data(dump.out.utf8)) as? [String: Any])
        let root = try #require(tool["command"] as? [String: Any])
        var paths: [[String]] = []
        func walk(_ command: [String: Any], _ path: [String]) {
            paths.append(path)
            for sub in command["subcommands"] as? [[String: Any]] ?? [] {
                guard let name = sub["commandName"] as? String, name != "help" else { continue }
                walk(sub, path + [name])
            }
        }
        walk(root, [])
        return paths
    }

    /// The overview (abstract and discussion), as the parser wrapped it.
    static func overview(_ help: String) -> [Substring] {
        let text = help.prefix(upTo: help.range(of: "\nUSAGE:")?.lowerBound ?? help.endIndex)
        return text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// Columns a terminal gives the text: CJK and full-width forms two, everything else here one.
    static func columns(_ text: Substring) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            let v = scalar.value
            return width + ((0x2E80...0xA4CF).contains(v) || (0xFF00...0xFF60).contains(v) ? 2 : 1)
        }
    }

    /// A paragraph runs on until the width forces a break: a prose line that ends although the next
    /// line's first word would have fitted (in terminal columns) was broken by hand in the source
    /// (the way `host set` broke mid-sentence); a paragraph with Chinese is broken in the source
    /// where the columns, not the parser's count of characters, run out (HelpWidthTests). Examples are indented and must fit whole: an example the parser had to
    /// wrap continues on an unindented line.
    @Test func everyDiscussionWrapsCleanly() throws {
        let cli = try CLI()
        let paths = try Self.commandPaths(cli)
        #expect(paths.count > 30 && paths.contains(["host", "set"]) && paths.contains(["media", "key-area"]))
        for path in paths {
            let help = try cli.run(path + ["--help"], environment: ["COLUMNS": String(Self.width)])
            try #require(help.status == 0, "\(path) --help: \(help.err)")
            let lines = Self.overview(help.out)
            for (line, next) in zip(lines, lines.dropFirst()) where !line.isEmpty && !next.isEmpty {
                let name = "mediactl \(path.joined(separator: " "))"
                if line.hasPrefix(" ") {
                    #expect(next.hasPrefix(" "), "\(name): an example broken by wrapping: '\(line)' / '\(next)'")
                    #expect(Self.columns(line) <= Self.width, "\(name): an example wider than the terminal: '\(line)'")
                } else if !line.hasSuffix(":") && !next.hasPrefix(" ") {
                    let nextWord = next.prefix { $0 != " " }
                    #expect(Self.columns(line) + 1 + Self.columns(nextWord) >= Self.width,
                            "\(name): a line broken by hand before '\(nextWord)': '\(line)'")
                }
            }
        }
    }

    /// `host set --help`, the one a reader met first broken mid-sentence: two paragraphs, each
    /// wrapped only where the width asks.
    @Test func hostSetReadsAsParagraphs() throws {
        let help = try CLI().run(["host", "set", "--help"], environment: ["COLUMNS": "80"]).out
        let paragraphs = Self.overview(help).split(separator: "").map { $0.joined(separator: " ") }
        try #require(paragraphs.count == 4, "\(help)")
        #expect(paragraphs[1] == "The first time, --asset-no, --level and --network are required. Later calls change only "
            + "the fields given. The network type decides what the guard treats as a violation: standalone (单机, air-gapped), "
            + "classified-lan (涉密网), internal (内网), internet (互联网).")
        #expect(paragraphs[2] == "A classified computer (秘密 or above) is never online (物理隔离): it cannot be on the "
            + "internet, and on an internal network it needs the LAN's prefixes (--lan-prefix).")
    }

    /// The choices are the parser's to show: in the option's help and for shell completion.
    @Test func fixedChoicesAreListed() throws {
        let cli = try CLI()
        let register = try cli.run(["media", "register", "--help"], environment: ["COLUMNS": "200"]).out
        #expect(register.contains("values: 绝密, top-secret, 机密, secret, 秘密, confidential, 内部, internal, 非密, unclassified"),
                "\(register)")
        #expect(register.contains("usb-stick, U盘"), "\(register)")
        let host = try cli.run(["host", "set", "--help"], environment: ["COLUMNS": "200"]).out
        #expect(host.contains("standalone, 单机") && host.contains("values: yes, no, 是, 否"), "\(host)")
        let list = try cli.run(["media", "list", "--help"], environment: ["COLUMNS": "200"]).out
        #expect(list.contains("in-service, 在用") && list.contains("values: table, json, csv, html; default: table"), "\(list)")
    }
}

/// Every line of every command's `--help` fits an 80-column terminal, counted the way a terminal
/// counts: swift-argument-parser wraps at 80 characters, and a Chinese character (East Asian Wide)
/// takes two columns, so a line of 70 characters with 12 of them is 82 columns wide. The help is
/// written in English with the domain's Chinese terms, the same whatever `--lang` says, so there is
/// one text per command to check.
///
/// Two parts of the help are the parser's own and are not checked here: the USAGE synopsis, which it
/// never wraps (ASCII only, so its width is its length), and the `(values: …)` list it appends to an
/// option's help, which no wording of ours can wrap by columns (`MediumKind`'s list is too dense in
/// Chinese for any starting point). Everything we write (abstracts, discussions, option help up to
/// its list of values) is checked.
@Suite struct HelpWidthTests {
    /// Every command below `mediactl`, from the command tree the parser runs.
    static func commands(below root: ParsableCommand.Type = Mediactl.self) -> [ParsableCommand.Type] {
        root.configuration.subcommands.flatMap { [$0] + commands(below: $0) }
    }

    /// Terminal columns of one scalar: East Asian Wide and Fullwidth two (Unicode's
    /// EastAsianWidth.txt, the blocks help text can hold), combining marks none, the rest one.
    static func columns(_ scalar: Unicode.Scalar) -> Int {
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF,
                                           0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF,
                                           0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD]
        if wide.contains(where: { $0.contains(scalar.value) }) { return 2 }
        return scalar.properties.generalCategory == .nonspacingMark ? 0 : 1
    }

    static func width(_ line: Substring) -> Int { line.unicodeScalars.reduce(0) { $0 + columns($1) } }

    /// The lines of a help text as far as we wrote them: a line's `(values: …)` and the lines the
    /// list continues on are left out, and so is the USAGE synopsis.
    static func ownText(_ help: String) -> [Substring] {
        var own: [Substring] = [], inValues = false
        for line in help.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("USAGE: ") { continue }
            if inValues {
                inValues = !line.contains(")")
                continue
            }
            if let values = line.range(of: "(values:") {
                own.append(line[..<values.lowerBound])
                inValues = !line[values.lowerBound...].contains(")")
            } else {
                own.append(line)
            }
        }
        return own
    }

    @Test func theWidthRuleItself() {
        #expect(Self.width("密级 (level)") == 12)
        #expect(Self.width("（审计）") == 8)
        #expect(Self.width("e\u{301}") == 1)
        let help = "USAGE: mediactl x [--a <b>]\n  --level <level>   Level (密级). (values: 绝密,\n     机密)\n  --next   Next."
        #expect(Self.ownText(help) == ["  --level <level>   Level (密级). ", "  --next   Next."])
    }

    @Test func everyHelpLineFitsEightyColumns() throws {
        let commands = Self.commands()
        #expect(commands.count > 30 && commands.contains { $0 == MediaCommand.KeyArea.self })
        for command in commands {
            let help = Mediactl.helpMessage(for: command, columns: 80)
            let name = command._commandName
            let usage = try #require(help.split(separator: "\n").first { $0.hasPrefix("USAGE: ") }, "\(name)")
            #expect(Self.width(usage) == usage.count, "mediactl \(name): the synopsis holds wide characters")
            for line in Self.ownText(help) {
                #expect(Self.width(line) <= 80, "mediactl \(name): \(Self.width(line)) columns: '\(line)'")
            }
        }
    }
}
