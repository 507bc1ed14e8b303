import Foundation
import Testing

/// Every wrong input gets one clear line and an exit status scripts can tell apart.
@Suite struct ErrorTests {
    func clerk() throws -> CLI {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--clearance", "important"])
        return cli
    }

    @Test func usageErrorsExit64() throws {
        let cli = try clerk()
        let missing = try cli.run(["media", "register", "--level", "secret", "--holder", "P001"])
        #expect(missing.status == 64)
        let noIdentity = try cli.run(["media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001"])
        #expect(noIdentity.status == 64)
        #expect(noIdentity.err.contains("--vendor, --product and --serial"))
        let noApprover = try cli.run(["media", "checkout", "X", "--to", "P001", "--due", "2099-01-01", "--carry-out"])
        #expect(noApprover.status == 66, "the medium is looked up first")
    }

    @Test func wrongValuesExit65WithTheWordsOfTheDomain() throws {
        let cli = try clerk()
        let level = try cli.run(["media", "register", "--kind", "usb-stick", "--level", "超密", "--holder", "P001",
                                 "--vendor", "0781", "--product", "5567", "--serial", "AA00BB11CC22"], lang: "zh")
        #expect(level.status == 65)
        #expect(level.err.contains("无法识别的密级") && level.err.contains("机密/secret"))
        #expect(level.err.split(separator: "\n").count == 1, "one line")
        let weak = try cli.run(["media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001",
                                "--vendor", "0781", "--product", "5567", "--serial", "0123456789ABCDEF"])
        #expect(weak.status == 65 && weak.err.contains("--allow-weak-serial"))
        let date = try cli.run(["person", "depart", "P001", "--date", "2026-02-30"])
        #expect(date.status == 65 && date.err.contains("YYYY-MM-DD"))
        let kind = try cli.run(["media", "list", "--kind", "tape"])
        #expect(kind.status == 65 && kind.err.contains("usb-stick"))
    }

    @Test func unknownThingsExit66() throws {
        let cli = try clerk()
        let medium = try cli.run(["media", "show", "U-9999-9999"])
        #expect(medium.status == 66 && medium.err.contains("U-9999-9999"))
        let person = try cli.run(["person", "depart", "P404", "--date", "2026-12-01"])
        #expect(person.status == 66 && person.err.contains("person add"))
        let host = try cli.run(["host", "show"])
        #expect(host.status == 66 && host.err.contains("host set"))
    }

    @Test func aDamagedDatabaseExits74AndIsLeftAlone() throws {
        let cli = try CLI()
        try "this is not a ledger, just text that happens to be long enough".write(toFile: cli.db, atomically: true, encoding: .utf8)
        let result = try cli.run(["media", "list"])
        #expect(result.status == 74)
        #expect(result.err.contains("damaged or is not a mediad ledger"))
        #expect(try String(contentsOfFile: cli.db, encoding: .utf8).hasPrefix("this is not a ledger"))
    }

    @Test(.enabled(if: getuid() == 0, "needs root to run as another user"))
    func usersWithoutARoleAreDenied() throws {
        let cli = try clerk()
        chmod(cli.directory, 0o777)
        chmod(cli.db, 0o666)
        let nobody = ["/usr/bin/setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"]
        let read = try cli.run(["media", "list"], prefix: nobody)
        #expect(read.status == 77, "\(read.err)")
        #expect(read.err.contains("permission denied"))
        let write = try cli.run(["person", "add", "--id", "P9", "--name", "x", "--clearance", "none"], prefix: nobody)
        #expect(write.status == 77 && write.err.contains("mediad-admin"))
    }
}
