import Foundation
import Testing

/// A value outside its fixed set of choices is refused by the parser before the command runs, in
/// the reader's language, on one line, with the choices and the exit status of its kind.
@Suite struct ChoiceTests {
    func refusal(_ cli: CLI, _ arguments: [String], lang: String, status: Int32,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try cli.run(arguments, lang: lang)
        #expect(result.status == status, "mediactl \(arguments.joined(separator: " ")) → \(result.status)",
                sourceLocation: sourceLocation)
        #expect(result.err.split(separator: "\n").count == 1 && result.out.isEmpty, "one line: \(result.err)",
                sourceLocation: sourceLocation)
        return result.err
    }

    @Test func domainValuesExit65InEitherLanguage() throws {
        let cli = try CLI()
        let level = try refusal(cli, ["media", "list", "--level", "超密"], lang: "en", status: 65)
        #expect(level.contains("unknown level '超密'") && level.contains("绝密/top-secret"), "\(level)")
        let network = try refusal(cli, ["host", "set", "--network", "wifi"], lang: "zh", status: 65)
        #expect(network.contains("网络类型") && network.contains("classified-lan (涉密网)"), "\(network)")
        let clearance = try refusal(cli, ["person", "add", "--id", "P1", "--name", "x", "--clearance", "top"], lang: "en", status: 65)
        #expect(clearance.contains("clearance 'top'") && clearance.contains("important (重要)"), "\(clearance)")
        let state = try refusal(cli, ["media", "list", "--state", "gone"], lang: "zh", status: 65)
        #expect(state.contains("状态") && state.contains("in-service (在用)"), "\(state)")
        let due = try refusal(cli, ["media", "checkout", "U-1", "--to", "P1", "--due", "tomorrow"], lang: "en", status: 65)
        #expect(due.contains("YYYY-MM-DD"), "\(due)")
        let since = try refusal(cli, ["violations", "list", "--since", "yesterday"], lang: "en", status: 65)
        #expect(since.contains("2026-11-22T09:30:00Z"), "\(since)")
        #expect(!FileManager.default.fileExists(atPath: cli.db), "refused before any command ran")
    }

    @Test func formsOfTheCommandExit64() throws {
        let cli = try CLI()
        let format = try refusal(cli, ["media", "list", "--format", "xml"], lang: "en", status: 64)
        #expect(format.contains("table, json, csv or html"), "\(format)")
        let answer = try refusal(cli, ["host", "set", "--key-area", "maybe"], lang: "zh", status: 64)
        #expect(answer.contains("yes（是）") && answer.contains("no（否）"), "\(answer)")
        let lang = try refusal(cli, ["media", "list"], lang: "fr", status: 64)
        #expect(lang.contains("--lang takes zh or en, not 'fr'"), "\(lang)")
    }

    /// Every spelling accepted before the parser knew the types is accepted still.
    @Test func everySpellingIsStillAccepted() throws {
        let cli = try CLI()
        for level in ["绝密", "top secret", "TOP_SECRET", "机密", "Secret", "秘密", "confidential", "内部", "工作秘密", "非密", "公开", "public"] {
            #expect(try cli.run(["media", "list", "--level", level]).status == 0, "\(level)")
        }
        for kind in ["U盘", "usb_stick", "移动硬盘", "光盘", "dvd", "存储卡"] {
            #expect(try cli.run(["media", "list", "--kind", kind]).status == 0, "\(kind)")
        }
        #expect(try cli.run(["media", "list", "--state", "在用"]).status == 0)
        #expect(try cli.run(["media", "list", "--format", "csv"], lang: "中文").status == 0)
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "重要"])
        try cli.ok(["host", "set", "--asset-no", "PC-1", "--level", "内部", "--network", "单机", "--key-area", "是"])
        #expect(try cli.ok(["host", "show"]).contains("Key area"))
        try cli.ok(["host", "set", "--key-area", "no"])
        try cli.ok(["person", "depart", "P001", "--date", "2026-12-01", "--declassified-until", "2027-12-01"])
        #expect(try cli.ok(["events", "--since", "2026-11-22"]).contains("#"))
    }
}
