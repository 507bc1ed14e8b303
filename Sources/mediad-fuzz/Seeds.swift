import AssetCore
import Foundation

/// The generated part of the seed corpus (`fuzz/corpus/<target>/gen-*`), written by the production
/// encoders so that the seeds are what mediad, mediactl, the hub and the couriers really send.
/// Rerun after a format changes: `mediad-fuzz seeds fuzz/corpus`. The netlink seeds are datagrams
/// captured from a kernel instead (`fuzz/capture-netlink.py`).
enum Seeds {
    static func write(to root: String) {
        var written = 0
        for (target, seeds) in all() {
            let directory = root + "/" + target
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            for (name, bytes) in seeds {
                _ = FileManager.default.createFile(atPath: directory + "/gen-" + name, contents: Data(bytes))
                written += 1
            }
        }
        print("wrote \(written) seeds under \(root)")
    }

    static let at = Timestamp(parsing: "2026-11-22T09:30:00Z")!

    static func all() -> [(String, [(String, [UInt8])])] {
        [
            ("usb-descriptors", descriptors.map { ($0.0, $0.1) }),
            ("sysfs-device", sysfs),
            ("control-frame", control),
            ("csv-import", csv),
            ("event-batch", batches.map { ($0.0, body($0.1)) }),
            ("change-set", changeSets),
            ("bundle", bundles.map { ($0.0, [UInt8]($0.1.body)) }),
            ("signed-envelope", envelopes),
        ]
    }

    // MARK: devices

    /// A device descriptor, then a configuration with its interfaces and endpoints.
    static func device(class deviceClass: UInt8, vendor: UInt16, product: UInt16, configurations: [[[UInt8]]]) -> [UInt8] {
        var bytes: [UInt8] = [18, 1, 0x00, 0x02, deviceClass, 0, 0, 64, UInt8(vendor & 0xFF), UInt8(vendor >> 8),
                              UInt8(product & 0xFF), UInt8(product >> 8), 0x00, 0x01, 1, 2, 3, UInt8(configurations.count)]
        for (index, interfaces) in configurations.enumerated() {
            let body = interfaces.flatMap { $0 }
            let total = 9 + body.count
            bytes += [9, 2, UInt8(total & 0xFF), UInt8(total >> 8), UInt8(interfaces.count), UInt8(index + 1), 0, 0x80, 50] + body
        }
        return bytes
    }

    static func interface(_ number: UInt8, alternate: UInt8 = 0, _ triple: (UInt8, UInt8, UInt8), endpoints: UInt8 = 2) -> [UInt8] {
        var bytes: [UInt8] = [9, 4, number, alternate, endpoints, triple.0, triple.1, triple.2, 0]
        for endpoint in 0..<endpoints { bytes += [7, 5, 0x81 + endpoint, 2, 0, 2, 0] }
        return bytes
    }

    static let descriptors: [(String, [UInt8])] = [
        ("stick", device(class: 0, vendor: 0x0781, product: 0x5567, configurations: [[interface(0, (8, 6, 0x50))]])),
        ("keyboard", device(class: 0, vendor: 0x046D, product: 0xC31C, configurations: [[interface(0, (3, 1, 1), endpoints: 1),
                                                                                          interface(1, (3, 0, 0), endpoints: 1)]])),
        ("phone-two-configurations", device(class: 0, vendor: 0x18D1, product: 0x4EE2, configurations: [
            [interface(0, (0xFF, 0xFF, 0)), interface(1, (8, 6, 0x50))],
            [interface(0, (6, 1, 1)), interface(0, alternate: 1, (6, 1, 1)), interface(1, (2, 2, 0), endpoints: 1)],
        ])),
        ("hub", device(class: 9, vendor: 0x1D6B, product: 0x0002, configurations: [[interface(0, (9, 0, 0), endpoints: 1)]])),
    ]

    /// The files of `Targets+Sysfs.swift`'s layout, separated by 0x1E.
    static var sysfs: [(String, [UInt8])] {
        func join(_ sections: [String], descriptors: [UInt8]) -> [UInt8] {
            var bytes: [UInt8] = []
            for (index, section) in sections.enumerated() {
                if index > 0 { bytes.append(SysfsTree.separator) }
                bytes += index == 1 ? descriptors : Array(section.utf8)
            }
            return bytes
        }
        let uevent = "MAJOR=189\nMINOR=5\nDEVNAME=bus/usb/001/006\nDEVTYPE=usb_device\nDRIVER=usb\nPRODUCT=781/5567/100\nTYPE=0/0/0\nBUSNUM=001\nDEVNUM=006\n"
        let stick = descriptors[0].1, phone = descriptors[2].1
        return [
            ("stick", join([uevent, "", "0781\n", "5567\n", "0100\n", "00\n", "4C530001\n", "SanDisk\n", "Cruzer Blade\n", "1\n", "hotplug\n",
                            "1.0", "00\n", "08\n", "06\n", "50\n", ""], descriptors: stick)),
            ("no-descriptors", join([uevent, "", "0781\n", "5567\n", "0100\n", "00\n", "\u{1}bad\u{7F}serial\n", "", "", "", "",
                                     "1.0", "00\n", "08\n", "06\n", "50\n", ""], descriptors: [])),
            ("phone", join([uevent, "", "18d1\n", "4ee2\n", "0440\n", "00\n", "0123456789ABCDEF\n", "Google\n", "Pixel\n", "2\n", "hardwired\n",
                            "2.0", "00\n", "06\n", "01\n", "01\n", "MTP\n", "2.1", "01\n", "02\n", "02\n", "00\n", ""], descriptors: phone)),
            ("interface-only", join(["DEVTYPE=usb_interface\nINTERFACE=8/6/80\n", "", "", "", "", "", "", "", "", "", ""], descriptors: [])),
        ]
    }

    // MARK: the control socket

    static var control: [(String, [UInt8])] {
        func request(_ call: ControlCall) -> [UInt8] { (try? ControlProtocol.frame(ControlRequest(call: call))) ?? [] }
        func reply(_ reply: ControlReply) -> [UInt8] { (try? ControlProtocol.frame(ControlResponse(reply: reply))) ?? [] }
        return [
            ("status", request(.status)),
            ("media-show", request(.ledger(.mediaShow(number: "U-2026-0001")))),
            ("events", request(.ledger(.events(since: at, limit: 50)))),
            ("allow-once", request(.allowOnce(AllowOnce(device: "1-1.4", minutes: 30, reason: "维修")))),
            ("unit-outbox", request(.unit(.outbox(limit: 500)))),
            ("import-bundle", request(.unit(.importBundle(Data("{}".utf8), unitKey: nil)))),
            ("old-version", Array((try? ControlProtocol.frame(ControlRequest(call: .status, version: 0))) ?? [])),
            ("reply-error", reply(.error(LedgerError(.validation, zh: "错误", en: "wrong")))),
            ("reply-finished-after-chunk", ControlProtocol.reportChunkHeader(count: 5) + Array("a,b\r\n".utf8) + reply(.finished)),
        ]
    }

    // MARK: media import

    static let csv: [(String, [UInt8])] = [
        ("english", Array("number,kind,level,state,holder,serial,capacity_bytes,in_service_date,due_date,borrower,notes\nU-9001,usb-stick,secret,in-service,p1,4C530001,16008609792,2026-01-05,,,\n\"U-9002\",hdd,internal,in-service,p2,,,2026/02/03,,,\"a, \"\"quoted\"\" note\"\n".utf8)),
        ("chinese-bom", Array("\u{FEFF}统一编号,类别,密级,状态,责任人,使用人,部门,备注\r\nU-9003,U盘,机密,在用,p1,p2,保密办,'=cmd\r\n".utf8)),
        ("header-only", Array("kind,level,holder\n".utf8)),
        ("unclosed-quote", Array("kind,level,holder\nusb-stick,secret,\"p1\n".utf8)),
    ]

    // MARK: the unit

    static func body<T: Encodable>(_ value: T) -> [UInt8] { Array((try? UnitCoding.encoder.encode(value)) ?? Data()) }

    static func record(_ seq: Int64, previous: String, content: String) -> ChainedRecord {
        ChainedRecord(seq: seq, table: "guard_event", localID: seq, at: at, content: content, previous: previous,
                      hash: RecordChain.hash(previous: previous, table: "guard_event", content: content))
    }

    static var batches: [(String, EventBatch)] {
        let first = record(1, previous: RecordChain.genesis, content: #"{"action":"blocked","serial":"4C53\n\u0001","port":"1-1"}"#)
        let second = record(2, previous: first.hash, content: "{\"note\":\"中文 \\\"quoted\\\" \u{1F600}\"}")
        return [
            ("two-records", EventBatch(unit: "unit-1", computer: "PC-001", sentAt: at, head: 2, ledgerVersion: 7, records: [first, second])),
            ("empty", EventBatch(unit: "unit-1", computer: "PC-001", sentAt: at, head: 0, ledgerVersion: 0, records: [])),
        ]
    }

    static var changeSet: ChangeSet {
        ChangeSet(unit: "unit-1", from: 3, to: 4, at: at, rows: [
            LedgerRowChange(table: "medium", key: "U-2026-0001", row: ["number": .text("U-2026-0001"), "level": .integer(2),
                                                                      "capacity_bytes": .integer(16_008_609_792), "weight": .real(0.5), "notes": .null]),
            LedgerRowChange(table: "person", key: "p9", row: nil),
        ])
    }

    static var changeSets: [(String, [UInt8])] {
        let part = SnapshotPart(unit: "unit-1", version: 4, at: at, part: 1, parts: 2, previous: nil, rows: changeSet.rows)
        return [("change-set", body(changeSet)), ("snapshot-part", body(part))]
    }

    static func signed<T: Encodable>(_ value: T, _ kind: PayloadKind, _ key: SigningKey) -> SignedPayload {
        FuzzKeys.sign(body(value), kind: kind, with: key)
    }

    static var bundles: [(String, SignedPayload)] {
        let receipt = Receipt(unit: "unit-1", computer: "PC-001", seq: 2, hash: RecordChain.genesis, at: at)
        let ledger = LedgerBundle(unit: "unit-1", computer: "PC-001", computerKey: FuzzKeys.computer.publicText, createdAt: at,
                                  fromVersion: 3, toVersion: 4, payloads: [signed(changeSet, .changeSet, FuzzKeys.unit)],
                                  receipt: signed(receipt, .receipt, FuzzKeys.unit),
                                  enrolment: EnrolmentAnswer(unit: "unit-1", unitKey: FuzzKeys.unit.publicText, computer: "PC-001", courierToken: ""))
        let records = RecordBundle(unit: "unit-1", computer: "PC-001", createdAt: at, ledgerVersion: 4, head: 2,
                                   batches: batches.map { signed($0.1, .eventBatch, FuzzKeys.computer) })
        let request = EnrolmentRequestBundle(computer: "PC-001", publicKey: FuzzKeys.computer.publicText, code: "ABCD-EFGH", createdAt: at)
        return [("ledger", signed(ledger, .ledgerBundle, FuzzKeys.unit)), ("records", signed(records, .recordBundle, FuzzKeys.computer)),
                ("enrolment-request", signed(request, .enrolmentRequest, FuzzKeys.computer))]
    }

    static var envelopes: [(String, [UInt8])] {
        bundles.map { ($0.0 + "-file", Array((try? BundleFile.bytes($0.1)) ?? Data())) }
            + [("change-set", Array((try? BundleFile.bytes(signed(changeSet, .changeSet, FuzzKeys.unit))) ?? Data()))]
    }
}
