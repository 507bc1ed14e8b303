import Foundation
import Testing

/// The regulations' rules as an administrator meets them: 物理隔离, 不得擅自外借, 清退 and 移交, each
/// refused in both languages with what to do, and recorded when followed.
@Suite struct RuleCommandTests {
    static func stick(_ serial: String, holder: String = "P001") -> [String] {
        ["media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", holder,
         "--vendor", "0781", "--product", "5567", "--serial", serial, "--capacity", "15376318464"]
    }

    func clerk() throws -> CLI {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "important"])
        try cli.ok(["person", "add", "--id", "P002", "--name", "李四", "--clearance", "core"])
        return cli
    }

    /// Requires a refusal with `status`, and returns its message.
    func refused(_ cli: CLI, _ arguments: [String], lang: String, status: Int32,
                 sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let result = try cli.run(arguments, lang: lang)
        try #require(result.status == status, "mediactl \(arguments.joined(separator: " ")) → \(result.status): \(result.err)",
                     sourceLocation: sourceLocation)
        #expect(result.err.split(separator: "\n").count == 1, "one line: \(result.err)", sourceLocation: sourceLocation)
        return result.err
    }

    @Test func aClassifiedComputerIsNeverRegisteredOnline() throws {
        let cli = try clerk()
        let online = ["host", "set", "--asset-no", "PC-001", "--level", "秘密", "--network", "internet"]
        #expect(try refused(cli, online, lang: "en", status: 65).contains("physical isolation"))
        #expect(try refused(cli, online, lang: "zh", status: 65).contains("物理隔离"))
        let lan = ["host", "set", "--asset-no", "PC-001", "--level", "secret", "--network", "internal"]
        let en = try refused(cli, lan, lang: "en", status: 65)
        #expect(en.contains("--lan-prefix") && en.contains("physical isolation"), "\(en)")
        #expect(try refused(cli, lan, lang: "zh", status: 65).contains("--lan-prefix"))
        #expect(try cli.run(["host", "show"]).status == 66, "nothing was registered")
        try cli.ok(lan + ["--lan-prefix", "10.8.0.0/16"])
        // A change to the registered host is checked too.
        #expect(try refused(cli, ["host", "set", "--network", "internet"], lang: "en", status: 65).contains("physical isolation"))
        #expect(try refused(cli, ["host", "set", "--network", "互联网"], lang: "zh", status: 65).contains("物理隔离"))
        #expect(try cli.ok(["host", "show"]).contains("internal"))

        let computer = ["computer", "add", "--asset-no", "PC-002", "--level", "机密", "--network", "internet"]
        #expect(try refused(cli, computer, lang: "en", status: 65).contains("PC-002"))
        #expect(try refused(cli, computer, lang: "zh", status: 65).contains("物理隔离"))
        let internalNet = ["computer", "add", "--asset-no", "PC-003", "--level", "secret", "--network", "internal"]
        #expect(try refused(cli, internalNet, lang: "en", status: 65).contains("--lan-prefix"))
        try cli.ok(internalNet + ["--lan-prefix", "10.9.0.0/16"])
        try cli.ok(["computer", "add", "--asset-no", "PC-004", "--level", "internal", "--network", "internet"])
        let list = try cli.ok(["computer", "list"])
        #expect(list.contains("PC-003") && list.contains("PC-004") && !list.contains("PC-002"))
    }

    @Test func everyLoanNeedsAnApprover() throws {
        let cli = try clerk()
        try cli.ok(Self.stick("4C530001230101104353"))
        let n = "U-2026-0001"
        let loan = ["media", "checkout", n, "--to", "P002", "--due", "2099-12-10"]
        let en = try refused(cli, loan, lang: "en", status: 64)
        #expect(en.contains("--approver") && en.contains("不得擅自外借"), "\(en)")
        let zh = try refused(cli, loan, lang: "zh", status: 64)
        #expect(zh.contains("审批人") && zh.contains("--approver"), "\(zh)")
        #expect(try cli.ok(["media", "list", "--state", "in-service"]).contains(n), "the medium stayed in")
        try cli.ok(loan + ["--approver", "王五"])
        #expect(try cli.ok(["media", "history", n]).contains("王五"))
        let help = try cli.run(["media", "checkout", "--help"])
        #expect(help.out.contains("required for every loan") && help.out.contains("不得擅自外借"), "\(help.out)")
    }

    @Test func leavingWithMediaOutstanding() throws {
        let cli = try clerk()
        try cli.ok(Self.stick("4C530001230101104353"))
        try cli.ok(Self.stick("4C530001230101104354", holder: "P002"))
        try cli.ok(["media", "checkout", "U-2026-0002", "--to", "P001", "--approver", "王五", "--due", "2099-12-10"])
        let depart = ["person", "depart", "P001", "--date", "2000-01-01", "--declassified-until", "2099-12-31"]
        let en = try refused(cli, depart, lang: "en", status: 65)
        #expect(en.contains("U-2026-0001 (in-service, held)") && en.contains("U-2026-0002 (loaned, borrowed)"), "\(en)")
        #expect(en.contains("mediactl media hand-back") && en.contains("--pending-handback --note"))
        let zh = try refused(cli, depart, lang: "zh", status: 65)
        #expect(zh.contains("U-2026-0001（在用，持有）") && zh.contains("U-2026-0002（借出，借用）") && zh.contains("清退"), "\(zh)")
        #expect(try refused(cli, depart + ["--pending-handback"], lang: "en", status: 64).contains("--note"))

        let pending = try cli.run(depart + ["--pending-handback", "--note", "出差在外，返回后清退"], lang: "en")
        try #require(pending.status == 0, "\(pending.err)")
        #expect(pending.out.contains("departed on 2000-01-01"))
        #expect(pending.err.contains("handback-outstanding") && pending.err.contains("U-2026-0001") && pending.err.contains("U-2026-0002"))
        let open = try cli.ok(["violations", "list", "--open", "--format", "json"])
        let violations = try #require(try JSONSerialization.jsonObject(with: Data(open.utf8)) as? [[String: Any]])
        #expect(violations.count == 2)
        #expect(violations.allSatisfy { $0["type"] as? String == "handback-outstanding" && $0["person"] as? String == "P001" })

        try cli.ok(["media", "hand-back", "U-2026-0001"])
        try cli.ok(["media", "return", "U-2026-0002"])
        let after = try cli.ok(["violations", "list", "--format", "json"])
        let closed = try #require(try JSONSerialization.jsonObject(with: Data(after.utf8)) as? [[String: Any]])
        #expect(closed.count == 2 && closed.allSatisfy { $0["status"] as? String == "acknowledged" }, "\(after)")
        #expect(try cli.ok(["violations", "list", "--open"]).contains("U-2026") == false)

        // A departed person can hold or borrow nothing more.
        let register = try refused(cli, Self.stick("4C530001230101104355"), lang: "en", status: 65)
        #expect(register.contains("can no longer hold or borrow media"))
        #expect(try refused(cli, ["media", "checkout", "U-2026-0002", "--to", "P001", "--approver", "王五", "--due", "2099-12-10"],
                            lang: "zh", status: 65).contains("离岗"))

        // 脱密期: P001 is inside it; P002 left long ago and is past it.
        try cli.ok(["person", "add", "--id", "P003", "--name", "王五", "--clearance", "general"])
        try cli.ok(["person", "depart", "P003", "--date", "2000-01-01", "--declassified-until", "2001-01-01"])
        let declassifying = try cli.ok(["person", "list", "--declassifying"])
        #expect(declassifying.contains("P001") && !declassifying.contains("P002") && !declassifying.contains("P003"), "\(declassifying)")
        #expect(try cli.ok(["person", "list"]).contains("P003"))
    }

    @Test func aChangeOfHolderIsATransfer() throws {
        let cli = try clerk()
        try cli.ok(Self.stick("4C530001230101104353"))
        let n = "U-2026-0001"
        let update = ["media", "update", n, "--holder", "P002"]
        let en = try refused(cli, update, lang: "en", status: 64)
        #expect(en.contains("transfer") && en.contains("--approver"), "\(en)")
        let zh = try refused(cli, update, lang: "zh", status: 64)
        #expect(zh.contains("移交") && zh.contains("--approver"), "\(zh)")
        try cli.ok(update + ["--approver", "王五"])
        #expect(try cli.ok(["media", "show", n]).contains("李四 (P002)"))
        let historyEN = try cli.ok(["media", "history", n])
        let transferEN = try #require(historyEN.split(separator: "\n").first { $0.contains("transfer") }, "\(historyEN)")
        #expect(transferEN.contains("P002") && transferEN.contains("王五") && transferEN.contains("holder P001 → P002"), "\(transferEN)")
        let historyZH = try cli.ok(["media", "history", n], lang: "zh")
        let transferZH = try #require(historyZH.split(separator: "\n").first { $0.contains("移交") }, "\(historyZH)")
        #expect(transferZH.contains("王五") && transferZH.contains("责任人 P001 → P002"), "\(transferZH)")

        try cli.ok(["person", "add", "--id", "P003", "--name", "赵六", "--clearance", "general"])
        #expect(try refused(cli, ["media", "update", n, "--holder", "P003", "--approver", "王五"], lang: "en", status: 65)
            .contains("general"))
        try cli.ok(["person", "depart", "P001", "--date", "2000-01-01"])
        #expect(try refused(cli, ["media", "update", n, "--holder", "P001", "--approver", "王五"], lang: "en", status: 65)
            .contains("can no longer hold or borrow media"))
        #expect(try cli.ok(["media", "show", n]).contains("李四 (P002)"))
    }
}
