import ArgumentParser
import AssetCore

struct LinksCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "links",
        abstract: "Every network interface: kind, identity, state and the verdict it is under (违规外联, 一机两用).")
    @OptionGroup var globals: GlobalOptions
    @Option(help: "table or json; csv prints the table.") var format: ReportFormat = .table

    func run() throws {
        let s = Session(globals: globals)
        guard case .links(let states) = try s.live(.links) else { return }
        if format == .json { return try Output.json(states) }
        let r = Render(language: s.language)
        try r.print(r.links(states))
    }
}

extension Render {
    func links(_ states: [LinkState]) -> SmallTable {
        let header = [t("接口", "LINK"), t("类型", "KIND"), "MAC", t("USB设备", "USB DEVICE"), t("状态", "STATE"),
                      t("地址", "ADDRESSES"), t("裁决", "VERDICT"), t("违规", "VIOLATIONS")]
        let rows = states.map { state -> [String] in
            let l = state.link
            let usb = l.usb.map { "\($0.vendorID):\($0.productID) \($0.serial ?? "")" } ?? ""
            var status = l.up ? "up" : "down"
            if l.carrier { status += t("，有载波", ", carrier") }
            if l.hasDefaultRouteIPv4 || l.hasDefaultRouteIPv6 { status += t("，默认路由", ", default route") }
            let addresses = l.addresses.filter(\.isConfigured).map { "\($0.address)/\($0.prefixLength)" }.joined(separator: " ")
            let verdict = state.verdict.map { v in
                (v.decision == .cut ? t("切断", "cut") : t("允许", "allow")) + (v.audited ? t("（审计）", " (audit)") : "")
            } ?? ""
            let violations = state.verdict?.violations.map { "\($0.type.rawValue)(\($0.severity.rawValue))" }.joined(separator: ",") ?? ""
            return [l.name, l.kind.rawValue, l.mac ?? "", usb, status, addresses, verdict, violations]
        }
        return SmallTable(header: header, rows: rows)
    }
}
