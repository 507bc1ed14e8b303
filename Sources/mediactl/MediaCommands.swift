import ArgumentParser
import AssetCore
import Foundation

struct MediaCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media",
        abstract: "Register storage media and keep their ledger (台账).",
        discussion: """
            Lifecycle (状态): in-service 在用 → loaned 借出 / carried-out 携带外出 /
            under-repair 维修 → back in service; retire → pending-destruction 待销毁 →
            destroy → destroyed 已销毁 (final). Any medium can be reported lost 遗失; a
            leaving person's media are handed back 清退.
            """,
        subcommands: [Register.self, List.self, Show.self, Update.self, Reclassify.self, History.self, Import.self,
                      Checkout.self, Return.self, Repair.self, Retire.self, Destroy.self, Lost.self, Found.self,
                      HandBack.self, Reissue.self, KeyArea.self])

    struct Register: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a medium and give it its unified number (统一编号).",
            discussion: """
                USB sticks and disks need their hardware identity (--vendor, --product, --serial; lsusb -v \
                shows them), which is how the guard recognises them. A serial that cannot tell devices \
                apart (empty, all zeros, a known placeholder) is refused unless --allow-weak-serial is \
                given with a --note. Without --number, one is made per kind and year: U-2026-0001.

                Example:
                  mediactl media register --kind usb-stick --level secret --holder P001 \\
                      --vendor 0781 --product 5567 --serial 4C530001230101104353 \\
                      --capacity 15376318464
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "Kind of medium (类别).") var kind: MediumKind
        @Option(help: "Classification level (密级).") var level: Level
        @Option(help: "Person id of the responsible person (管理责任人).") var holder: String
        @Option(help: "Unified number (统一编号); generated when omitted.") var number: String?
        @Option(help: "USB vendor id (idVendor), e.g. 0781.") var vendor: String?
        @Option(help: "USB product id (idProduct), e.g. 5567.") var product: String?
        @Option(help: "Hardware serial number.") var serial: String?
        @Option(help: "Capacity in bytes, or with a unit (16GB, 14.3GiB).") var capacity: String?
        @Option(name: .customLong("fs-uuid"), help: "Filesystem UUID(s), comma-separated.") var fsUUID: String?
        @Option(help: "Asset numbers of the only computers it may be used on, comma-separated.") var bind: String?
        @Option(name: .customLong("secrecy-term"), help: "Secrecy term (保密期限), e.g. 10年.") var secrecyTerm: String?
        @Option(help: "User (使用人), when not the holder.") var user: String?
        @Option(help: "Department (部门).") var department: String?
        @Option(help: "Purpose (用途).") var purpose: String?
        @Option(help: "Storage place (存放位置).") var place: String?
        @Option(name: .customLong("in-service"), help: "Date put in service, YYYY-MM-DD (default today).") var inService: Day?
        @Option(help: "Brand (品牌).") var brand: String?
        @Option(help: "Model (型号).") var model: String?
        @Option(help: "Notes (备注).") var note: String?
        @Flag(name: .customLong("allow-weak-serial"), help: "Accept a serial that cannot tell devices apart (needs --note).")
        var allowWeakSerial = false
        @Flag(name: .customLong("last-unregistered"),
              help: "Take the identity of the newest storage device the guard blocked as unregistered.")
        var lastUnregistered = false
        @Option(help: ArgumentHelp("Take the identity of a plugged-in device: its sysfs path or its /dev node.",
                                   valueName: "path"))
        var device: String?
        @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

        func validate() throws {
            let sources = [lastUnregistered, device != nil, vendor != nil || product != nil || serial != nil].filter { $0 }
            if sources.count > 1 {
                throw ValidationError("give the identity one way: --last-unregistered, --device, or --vendor/--product/--serial")
            }
        }

        func run() throws {
            let s = Session(globals: globals)
            var r = MediumRegistration(kind: kind, level: level, holder: holder)
            r.number = number
            r.vendorID = vendor
            r.productID = product
            r.serial = serial
            if let capacity { r.capacityBytes = try s.parse { () throws(LedgerError) in try Parse.capacity(capacity) } }
            r.filesystemUUIDs = fsUUID.map(Parse.list) ?? []
            r.boundComputers = bind.map(Parse.list) ?? []
            r.secrecyTerm = secrecyTerm
            r.user = user
            r.department = department
            r.purpose = purpose
            r.place = place
            r.inServiceDate = inService
            r.brand = brand
            r.model = model
            r.notes = note
            r.allowWeakSerial = allowWeakSerial
            if let device {
                let found = try s.parse { () throws(LedgerError) in try DeviceProbe.identity(of: device) }
                r.vendorID = found.vendorID
                r.productID = found.productID
                r.serial = found.serial ?? ""
                r.capacityBytes = r.capacityBytes ?? found.capacityBytes
                r.brand = r.brand ?? found.manufacturer
                r.model = r.model ?? found.product
            }
            let request: Request = lastUnregistered ? .mediaRegisterLastUnregistered(r) : .mediaRegister(r)
            guard case .medium(let detail) = try s.perform(request) else { return }
            if format == .json { return try Output.json(detail) }
            let m = detail.medium
            let render = Render(language: s.language)
            Output.print(render.t("已登记介质 \(m.number)（\(m.kind.name(.zh))，\(m.level.name(.zh))，责任人 \(detail.holder?.name ?? m.holder)）\n",
                                  "registered medium \(m.number) (\(m.kind.rawValue), \(m.level.name(.en)), held by \(detail.holder?.name ?? m.holder))\n"))
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List media, optionally filtered.",
            discussion: """
                --format csv writes UTF-8 with a BOM (opens cleanly in WPS and Excel), headers in the \
                chosen language; the same file can be edited and brought back with `media import`. \
                --format json writes an array of media; keys are documented in mediactl(1).
                """)
        @OptionGroup var globals: GlobalOptions
        @Option(help: "Only this level.") var level: Level?
        @Option(help: "Only this state.") var state: MediumState?
        @Option(help: "Only media held by this person id.") var holder: String?
        @Option(help: "Only this kind.") var kind: MediumKind?
        @Option(help: "table, json or csv.") var format: ReportFormat = .table

        func run() throws {
            let s = Session(globals: globals)
            try s.list(.media(MediaFilter(level: level, state: state, holder: holder, kind: kind)), format: format)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one medium's record and movements.")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let s = Session(globals: globals)
            guard case .medium(let detail) = try s.perform(.mediaShow(number: number)) else { return }
            try Render(language: s.language, zone: when.zone).detail(detail, format: format)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a medium's record (an empty value clears a field).",
            discussion: """
                The level can only be raised here: lowering it is a reclassification
                (不得降低密级), done with `media reclassify` and an approver. A new holder is a
                transfer (移交): it needs --approver, the new holder must be active and cleared
                for the medium's level, and it is written to the medium's movement record \
                (`media history`). Every change is written to the admin trail.

                Examples:
                  mediactl media update U-2026-0001 --place 密码柜3
                  mediactl media update U-2026-0001 --holder P002 --approver 李四
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "Raise the level (密级).") var level: Level?
        @Option(help: "New responsible person id: a transfer (移交), needs --approver.") var holder: String?
        @Option(help: "Approving leader (审批人); needed for a new --holder.") var approver: String?
        @Option(help: "Asset numbers it may be used on, comma-separated (empty: any suitable computer).") var bind: String?
        @Option(name: .customLong("secrecy-term"), help: "Secrecy term (保密期限).") var secrecyTerm: String?
        @Option(help: "User (使用人).") var user: String?
        @Option(help: "Department (部门).") var department: String?
        @Option(help: "Purpose (用途).") var purpose: String?
        @Option(help: "Storage place (存放位置).") var place: String?
        @Option(name: .customLong("in-service"), help: "Date put in service, YYYY-MM-DD.") var inService: Day?
        @Option(help: "Brand (品牌).") var brand: String?
        @Option(help: "Model (型号).") var model: String?
        @Option(help: "Capacity in bytes or with a unit.") var capacity: String?
        @Option(name: .customLong("fs-uuid"), help: "Filesystem UUID(s), comma-separated.") var fsUUID: String?
        @Option(help: "Notes (备注).") var note: String?

        func run() throws {
            let s = Session(globals: globals)
            var c = MediumChanges()
            c.level = level
            c.holder = holder
            c.approver = approver
            c.boundComputers = bind.map(Parse.list)
            c.secrecyTerm = secrecyTerm
            c.user = user
            c.department = department
            c.purpose = purpose
            c.place = place
            c.inServiceDate = inService
            c.brand = brand
            c.model = model
            if let capacity { c.capacityBytes = try s.parse { () throws(LedgerError) in try Parse.capacity(capacity) } }
            c.filesystemUUIDs = fsUUID.map(Parse.list)
            c.notes = note
            let response = try s.perform(.mediaUpdate(number: number, changes: c))
            let render = Render(language: s.language)
            switch response {
            case .done(let message): Output.print(message.text(s.language) + "\n")
            default: Output.print(render.t("已更新介质 \(number)\n", "updated medium \(number)\n"))
            }
        }
    }

    struct Reclassify: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change a medium's level (变更密级/解密) with approval.",
            discussion: """
                Example:
                  mediactl media reclassify U-2026-0001 --level 秘密 --approver 李四 \\
                      --reason "定密期限届满"
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "The new level.") var level: Level
        @Option(help: "Approving leader (审批人).") var approver: String
        @Option(help: "Why the level changes.") var reason: String

        func run() throws {
            let s = Session(globals: globals)
            _ = try s.perform(.mediaReclassify(Reclassification(number: number, level: level, approver: approver, reason: reason)))
            Output.print(Render(language: s.language).t("介质 \(number) 密级已变更为\(level.name(.zh))\n",
                                                        "medium \(number) is now \(level.name(.en))\n"))
        }
    }

    struct History: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show a medium's movement record (流转记录).")
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号).") var number: String
        @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table
        @OptionGroup var when: ZoneOption

        func run() throws {
            let s = Session(globals: globals)
            guard case .movements(_, let list) = try s.perform(.mediaHistory(number: number)) else { return }
            if format == .json { return try Output.json(list) }
            if format == .html { throw Output.fail(LedgerError.htmlIsForReports(report: "report ledger"), s.language) }
            try Render(language: s.language, zone: when.zone).movements(list)
        }
    }

    struct Import: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register many media from a CSV file, all or nothing.",
            discussion: """
                The columns are those `media list --format csv` writes, with headers in Chinese or English \
                and in any order; kind, level and holder are required. Every bad row is reported with its \
                line number, and nothing is written unless every row is good. A weak serial is accepted \
                only when the row's notes cell says why.
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "The CSV file.") var file: String

        func run() throws {
            let s = Session(globals: globals)
            let render = Render(language: s.language)
            guard let data = FileManager.default.contents(atPath: file) else {
                throw s.fail(LedgerError(.notFound, zh: "无法读取文件 \(file)", en: "cannot read the file \(file)"))
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw s.fail(LedgerError(.validation, zh: "\(file) 不是 UTF-8 编码；请在 WPS/Excel 中另存为“CSV UTF-8”",
                                         en: "\(file) is not UTF-8; save it as \"CSV UTF-8\" from WPS or Excel"))
            }
            guard case .imported(let numbers) = try s.perform(.mediaImport(csv: text)) else { return }
            Output.print(render.t("已导入 \(numbers.count) 件介质\n", "imported \(numbers.count) medium(s)\n"))
            for number in numbers { Output.print(number + "\n") }
        }
    }
}
