import Foundation
import Testing

@Suite struct LedgerCommandTests {
    static let stick = ["media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001",
                        "--vendor", "0781", "--product", "5567", "--serial", "4C530001230101104353", "--capacity", "15376318464"]

    func clerk() throws -> CLI {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--department", "办公室", "--clearance", "important"])
        try cli.ok(["person", "add", "--id", "P002", "--name", "李四", "--department", "保密办", "--clearance", "core"])
        try cli.ok(["host", "set", "--asset-no", "PC-001", "--level", "机密", "--network", "standalone", "--holder", "P001"])
        return cli
    }

    @Test func hostAndPeople() throws {
        let cli = try clerk()
        let host = try cli.ok(["host", "show"], lang: "zh")
        #expect(host.contains("PC-001") && host.contains("机密") && host.contains("单机"))
        let json = try cli.ok(["host", "show", "--format", "json"])
        #expect(json.contains("\"network\" : \"standalone\"") && json.contains("\"level\" : \"secret\""))
        let people = try cli.ok(["person", "list"], lang: "zh")
        #expect(people.contains("张三") && people.contains("重要"))
        let depart = try cli.run(["person", "depart", "P002", "--date", "2026-12-01"])
        #expect(depart.status == 0 && depart.out.contains("2026-12-01"))
    }

    @Test func registerListShowUpdate() throws {
        let cli = try clerk()
        let registered = try cli.ok(Self.stick + ["--number", "U-2026-0001"])
        #expect(registered.contains("U-2026-0001"))
        try cli.ok(["media", "register", "--kind", "optical", "--level", "秘密", "--holder", "P001"])
        let table = try cli.ok(["media", "list"])
        #expect(table.contains("U-2026-0001") && table.contains("GP-2026-0001") && table.contains("4C530001230101104353"))
        let secret = try cli.ok(["media", "list", "--level", "机密", "--holder", "P001", "--state", "in-service"])
        #expect(secret.contains("U-2026-0001") && !secret.contains("GP-2026-0001"))
        let csv = try cli.ok(["media", "list", "--format", "csv"], lang: "zh")
        #expect(csv.hasPrefix("\u{FEFF}统一编号,类别,密级,状态,责任人"))
        #expect(csv.contains("\r\nU-2026-0001,U盘,机密,在用,P001"))
        let json = try cli.ok(["media", "list", "--format", "json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]]
        #expect(decoded?.count == 2)
        let stick = decoded?.first { $0["number"] as? String == "U-2026-0001" }
        #expect((stick?["identity"] as? [String: Any])?["serial"] as? String == "4C530001230101104353")
        try cli.ok(["media", "update", "U-2026-0001", "--place", "密码柜3"])
        let shown = try cli.ok(["media", "show", "U-2026-0001"], lang: "zh")
        #expect(shown.contains("密码柜3") && shown.contains("张三 (P001)") && shown.contains("15.4 GB"))
    }

    @Test func theWholeLifecycleFromTheCommandLine() throws {
        let cli = try clerk()
        try cli.ok(Self.stick)
        let n = "U-2026-0001"
        try cli.ok(["media", "checkout", n, "--to", "P002", "--approver", "李四", "--due", "2099-12-10", "--carry-out"])
        #expect(try cli.ok(["media", "list", "--state", "carried-out"]).contains(n))
        try cli.ok(["media", "return", n])
        try cli.ok(["media", "repair", n, "--approver", "李四", "--unit", "指定维修单位"])
        try cli.ok(["media", "return", n])
        try cli.ok(["media", "reclassify", n, "--level", "秘密", "--approver", "李四", "--reason", "定密期限届满"])
        try cli.ok(["media", "lost", n, "--reported-by", "P001"])
        try cli.ok(["media", "found", n])
        try cli.ok(["media", "retire", n, "--approver", "李四"])
        try cli.ok(["media", "destroy", n, "--approver", "李四", "--method", "shred", "--witness", "王五"])
        let history = try cli.ok(["media", "history", n], lang: "zh")
        for step in ["登记", "携带外出", "归还", "送修", "变更密级", "报失", "找回", "报废待销毁", "销毁", "王五", "指定维修单位"] {
            #expect(history.contains(step), "history shows \(step)")
        }
        let again = try cli.run(["media", "found", n])
        #expect(again.status == 65)
        #expect(again.err.contains("destroyed is final"))
        #expect(try cli.ok(["audit", "verify"]).contains("intact"))
    }

    @Test func importReportsEveryBadRowAndWritesNothing() throws {
        let cli = try clerk()
        let bad = try cli.write("bad.csv", "\u{FEFF}统一编号,类别,密级,责任人,厂商ID,产品ID,序列号\r\n"
            + "U-1,U盘,机密,P001,0781,5567,AA00BB11CC22\r\n"
            + "U-2,U盘,机密级,P001,0781,5567,AA00BB11CC23\r\n"
            + "U-3,U盘,机密,P404,0781,5567,AA00BB11CC24\r\n")
        let refused = try cli.run(["media", "import", bad])
        #expect(refused.status == 65)
        #expect(refused.err.contains("line 3:") && refused.err.contains("line 4:") && !refused.err.contains("line 2:"))
        #expect(try cli.ok(["media", "list"]).contains("0 medium(s)"))

        try cli.ok(Self.stick)
        let export = try cli.ok(["media", "list", "--format", "csv"], lang: "zh")
        let other = try CLI()
        try other.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "important"])
        let file = try other.write("export.csv", export)
        let imported = try other.ok(["media", "import", file])
        #expect(imported.contains("imported 1 medium(s)") && imported.contains("U-2026-0001"))
        #expect(try other.ok(["media", "list", "--format", "csv"], lang: "zh") == export)
    }

    @Test func tamperingIsFoundAndNamed() throws {
        let cli = try clerk()
        try cli.ok(Self.stick)
        try cli.ok(["media", "update", "U-2026-0001", "--place", "密码柜3"])
        try cli.sqlite("UPDATE trail SET new_value = '密码柜9' WHERE field = 'place'")
        try cli.sqlite("DELETE FROM trail WHERE id = 2")
        let result = try cli.run(["audit", "verify"])
        #expect(result.status == 65)
        #expect(result.out.contains("row 2 was deleted"))
        #expect(result.out.contains("row 5: its content was altered"), "\(result.out)")
        let log = try cli.ok(["audit", "log", "--medium", "U-2026-0001"])
        #expect(log.contains("密码柜9"))
    }
}
