import Foundation
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
    /// line's first word would have fitted was broken by hand in the source (the way `host set`
    /// broke mid-sentence). Examples are indented and must fit whole: an example the parser had to
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
                    #expect(line.count + 1 + nextWord.count >= Self.width,
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
        #expect(list.contains("in-service, 在用") && list.contains("values: table, json, csv; default: table"), "\(list)")
    }
}
