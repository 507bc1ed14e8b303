import Foundation
import Testing

/// The small listings mediactl prints from model values (people, computers, events, the admin
/// trail, a medium's history and record, this host), byte for byte in both languages and as CSV.
/// The expected text is written out by hand: alignment by display width (Chinese two columns), the
/// escapes of control characters and backslashes, the trailing spaces before an empty last cell,
/// CSV's byte-order mark, CRLF, quoting and formula defusing.
@Suite struct SmallListingTests {
    /// A ledger with awkward values: a comma and quotes, a tab, an escape and a backslash, cells that
    /// start like spreadsheet formulas, a serial with a newline, Chinese everywhere.
    static func ledger() throws -> CLI {
        let cli = try CLI()
        try cli.ok(["person", "add", "--id", "P001", "--name", "张三", "--department", "办公室", "--clearance", "important"])
        try cli.ok(["person", "add", "--id", "P002", "--name", "Li Si", "--department", "Ops, \"North\"", "--clearance", "core"])
        try cli.ok(["person", "add", "--id", "P003", "--name", "=cmd", "--clearance", "none"])
        try cli.ok(["host", "set", "--asset-no", "PC-001", "--level", "机密", "--network", "standalone", "--holder", "P001",
                    "--location", "机要室"])
        try cli.ok(["computer", "add", "--asset-no", "PC-002", "--name", "+SUM(A1)", "--level", "secret",
                    "--network", "classified-lan", "--lan-prefix", "10.8.0.0/16"])
        try cli.ok(["media", "register", "--kind", "usb-stick", "--level", "secret", "--holder", "P001", "--vendor", "0781",
                    "--product", "5567", "--serial", "4C530001230101104353", "--capacity", "15376318464", "--number", "U-2026-0001"])
        try cli.ok(["media", "update", "U-2026-0001", "--place", "密码柜3, 左"])
        try cli.ok(["media", "checkout", "U-2026-0001", "--to", "P002", "--approver", "李四", "--due", "2026-12-10", "--carry-out"])
        try cli.ok(["media", "return", "U-2026-0001"])
        try cli.ok(["person", "depart", "P002", "--date", "2026-12-01"])
        // Fixed times, and values the commands would refuse, written past them.
        try cli.sqlite("""
            UPDATE person SET department = 'tab' || char(9) || 'esc' || char(27) || 'back\\slash' WHERE id = 'P003';
            UPDATE medium SET in_service_date = '2026-01-05';
            UPDATE movement SET at = '2026-11-2' || id || 'T09:30:00Z', actor_name = 'root';
            UPDATE trail SET at = '2026-11-20T08:00:0' || (id % 10) || 'Z', actor_name = 'root', actor_uid = 0;
            INSERT INTO device_event (at, kind, computer, port, vendor_id, product_id, serial, device, decision, audited,
                                      medium_number, note) VALUES
             ('2026-11-22T09:30:00Z', 'attach', 'PC-001', '1-1', '0781', '5567', 'SN' || char(10) || 'evil', 'SanDisk Cruzer',
              'block', 0, NULL, '未登记, "hostile"'),
             ('2026-11-22T09:31:00Z', 'attach', 'PC-001', '1-1.4', '090c', '1000', '-1+1', '银灿', 'allow', 1, 'U-2026-0001', NULL),
             ('2026-11-22T09:32:00Z', 'guard-start', 'PC-001', NULL, NULL, NULL, NULL, NULL, NULL, 0, NULL, 'mode enforce');
            """)
        return cli
    }

    /// Lines of a terminal listing.
    static func lines(_ lines: String...) -> String { lines.joined(separator: "\n") + "\n" }
    /// Records of a CSV document as a spreadsheet reads it.
    static func csv(_ records: String...) -> String { "\u{FEFF}" + records.joined(separator: "\r\n") + "\r\n" }

    @Test func people() throws {
        let cli = try Self.ledger()
        #expect(try cli.ok(["person", "list"]) == Self.lines(
            "ID    NAME   DEPARTMENT                 CLEARANCE  DEPARTED    DECLASSIFIED UNTIL",
            "----  -----  -------------------------  ---------  ----------  ------------------",
            "P001  张三   办公室                     important              ",
            "P002  Li Si  Ops, \"North\"               core       2026-12-01  ",
            "P003  =cmd   tab\\x09esc\\x1Bback\\\\slash  none                   "))
        #expect(try cli.ok(["person", "list"], lang: "zh") == Self.lines(
            "编号  姓名   部门                       涉密等级  离岗日期    脱密期至",
            "----  -----  -------------------------  --------  ----------  --------",
            "P001  张三   办公室                     重要                  ",
            "P002  Li Si  Ops, \"North\"               核心      2026-12-01  ",
            "P003  =cmd   tab\\x09esc\\x1Bback\\\\slash  非涉密                "))
        #expect(try cli.ok(["person", "list", "--format", "csv"]) == Self.csv(
            "ID,NAME,DEPARTMENT,CLEARANCE,DEPARTED,DECLASSIFIED UNTIL",
            "P001,张三,办公室,important,,",
            "P002,Li Si,\"Ops, \"\"North\"\"\",core,2026-12-01,",
            "P003,'=cmd,tab\tesc\u{1B}back\\slash,none,,"))
    }

    @Test func computers() throws {
        let cli = try Self.ledger()
        #expect(try cli.ok(["computer", "list"]) == Self.lines(
            "ASSET NO  NAME      LEVEL   NETWORK         HOLDER  LOCATION  STATE       THIS HOST",
            "--------  --------  ------  --------------  ------  --------  ----------  ---------",
            "PC-001              secret  standalone      P001    机要室    in service  *",
            "PC-002    +SUM(A1)  secret  classified-lan                    in service  "))
        #expect(try cli.ok(["computer", "list"], lang: "zh") == Self.lines(
            "资产编号  名称      密级  网络类型  责任人  位置    状态  本机",
            "--------  --------  ----  --------  ------  ------  ----  ----",
            "PC-001              机密  单机      P001    机要室  在用  *",
            "PC-002    +SUM(A1)  机密  涉密网                    在用  "))
        #expect(try cli.ok(["computer", "list", "--format", "csv"], lang: "zh") == Self.csv(
            "资产编号,名称,密级,网络类型,责任人,位置,状态,本机",
            "PC-001,,机密,单机,P001,机要室,在用,*",
            "PC-002,'+SUM(A1),机密,涉密网,,,在用,"))
    }

    @Test func events() throws {
        let cli = try Self.ledger()
        #expect(try cli.ok(["events"]) == Self.lines(
            "#  TIME                        EVENT        PORT   DEVICE                    SERIAL      VERDICT        MEDIUM       NOTE",
            "-  --------------------------  -----------  -----  ------------------------  ----------  -------------  -----------  -----------------",
            "1  2026-11-22 09:30:00 +00:00  attach       1-1    0781:5567 SanDisk Cruzer  SN\\x0Aevil  block                       未登记, \"hostile\"",
            "2  2026-11-22 09:31:00 +00:00  attach       1-1.4  090c:1000 银灿            -1+1        allow (audit)  U-2026-0001  ",
            "3  2026-11-22 09:32:00 +00:00  guard-start                                                                           mode enforce"))
        #expect(try cli.ok(["events"], lang: "zh") == Self.lines(
            "#  时间                        事件         端口   设备                      序列号      裁决          介质         说明",
            "-  --------------------------  -----------  -----  ------------------------  ----------  ------------  -----------  -----------------",
            "1  2026-11-22 09:30:00 +00:00  attach       1-1    0781:5567 SanDisk Cruzer  SN\\x0Aevil  阻断                       未登记, \"hostile\"",
            "2  2026-11-22 09:31:00 +00:00  attach       1-1.4  090c:1000 银灿            -1+1        允许（审计）  U-2026-0001  ",
            "3  2026-11-22 09:32:00 +00:00  guard-start                                                                          mode enforce"))
        #expect(try cli.ok(["events", "--format", "csv"]) == Self.csv(
            "#,TIME,EVENT,PORT,DEVICE,SERIAL,VERDICT,MEDIUM,NOTE",
            "1,2026-11-22 09:30:00 +00:00,attach,1-1,0781:5567 SanDisk Cruzer,\"SN\nevil\",block,,\"未登记, \"\"hostile\"\"\"",
            "2,2026-11-22 09:31:00 +00:00,attach,1-1.4,090c:1000 银灿,'-1+1,allow (audit),U-2026-0001,",
            "3,2026-11-22 09:32:00 +00:00,guard-start,,,,,,mode enforce"))
    }

    @Test func adminTrail() throws {
        let cli = try Self.ledger()
        let added = #"{"clearance":"core","department":"Ops, \"North\"","id":"P002","name":"Li Si"}"#
        let shown = #"{"clearance":"core","department":"Ops, \\"North\\"","id":"P002","name":"Li Si"}"#
        #expect(try cli.ok(["audit", "log", "--person", "P002"]) == Self.lines(
            "#   TIME                        ACTOR    ACTION         OBJECT       FIELD        OLD  NEW",
            "--  --------------------------  -------  -------------  -----------  -----------  ---  " + String(repeating: "-", count: 79),
            "2   2026-11-20 08:00:02 +00:00  root(0)  person-add     person P002                    " + shown,
            "14  2026-11-20 08:00:04 +00:00  root(0)  person-depart  person P002  departed_on       2026-12-01"))
        #expect(try cli.ok(["audit", "log", "--person", "P002"], lang: "zh") == Self.lines(
            "#   时间                        操作人   操作           对象         字段         原值  新值",
            "--  --------------------------  -------  -------------  -----------  -----------  ----  " + String(repeating: "-", count: 79),
            "2   2026-11-20 08:00:02 +00:00  root(0)  person-add     person P002                     " + shown,
            "14  2026-11-20 08:00:04 +00:00  root(0)  person-depart  person P002  departed_on        2026-12-01"))
        #expect(try cli.ok(["audit", "log", "--person", "P002", "--format", "csv"]) == Self.csv(
            "#,TIME,ACTOR,ACTION,OBJECT,FIELD,OLD,NEW",
            "2,2026-11-20 08:00:02 +00:00,root(0),person-add,person P002,,,\"" + added.replacingOccurrences(of: "\"", with: "\"\"") + "\"",
            "14,2026-11-20 08:00:04 +00:00,root(0),person-depart,person P002,departed_on,,2026-12-01"))
    }

    static let historyEnglish = [
        "TIME                        ACTION     STATE                     PERSON  APPROVER  HANDLER  DETAILS",
        "--------------------------  ---------  ------------------------  ------  --------  -------  --------------",
        "2026-11-21 09:30:00 +00:00  register   in-service                P001              root     secret",
        "2026-11-22 09:30:00 +00:00  carry-out  in-service → carried-out  P002    李四      root     due 2026-12-10",
        "2026-11-23 09:30:00 +00:00  return     carried-out → in-service                    root     ",
    ]
    static let historyChinese = [
        "时间                        操作      状态             人员  审批人  经办人  详情",
        "--------------------------  --------  ---------------  ----  ------  ------  ---------------",
        "2026-11-21 09:30:00 +00:00  登记      在用             P001          root    机密",
        "2026-11-22 09:30:00 +00:00  携带外出  在用 → 携带外出  P002  李四    root    期限 2026-12-10",
        "2026-11-23 09:30:00 +00:00  归还      携带外出 → 在用                root    ",
    ]

    @Test func aMediumsHistory() throws {
        let cli = try Self.ledger()
        #expect(try cli.ok(["media", "history", "U-2026-0001"]) == Self.historyEnglish.joined(separator: "\n") + "\n")
        #expect(try cli.ok(["media", "history", "U-2026-0001"], lang: "zh") == Self.historyChinese.joined(separator: "\n") + "\n")
    }

    @Test func aMediumsRecordAndThisHost() throws {
        let cli = try Self.ledger()
        #expect(try cli.ok(["media", "show", "U-2026-0001"]) == Self.lines(
            "Number            U-2026-0001",
            "Kind              usb-stick",
            "Level             secret",
            "State             in-service",
            "Holder            张三 (P001)",
            "Place             密码柜3, 左",
            "In service since  2026-01-05",
            "Identity          0781:5567 serial 4C530001230101104353",
            "Capacity          15.4 GB (15376318464 bytes)",
            "Bound to          any computer of a suitable level",
            "",
            "Movements") + Self.historyEnglish.joined(separator: "\n") + "\n")
        #expect(try cli.ok(["media", "show", "U-2026-0001"], lang: "zh") == Self.lines(
            "统一编号    U-2026-0001",
            "类别        U盘",
            "密级        机密",
            "状态        在用",
            "责任人      张三 (P001)",
            "存放位置    密码柜3, 左",
            "启用日期    2026-01-05",
            "硬件标识    0781:5567 序列号 4C530001230101104353",
            "容量        15.4 GB (15376318464 字节)",
            "绑定计算机  任一符合密级的计算机",
            "",
            "流转记录") + Self.historyChinese.joined(separator: "\n") + "\n")
        try cli.sqlite("UPDATE computer SET location = 'Room' || char(9) || '3\\' WHERE asset_number = 'PC-001'")
        #expect(try cli.ok(["host", "show"]) == Self.lines(
            "Asset number  PC-001",
            "Level         secret",
            "Network       standalone",
            "State         in service",
            "Holder        P001",
            "Location      Room\\x093\\\\",
            "Key area      no"))
    }
}
