/// Where a classified computer stands in its life: like a medium, it is in service, under repair,
/// retired (报废) or destroyed, and every move is approved by a named leader.
public enum ComputerState: String, Sendable, Hashable, Codable, CaseIterable {
    case inService = "in-service"
    case underRepair = "under-repair"
    case retired
    case destroyed

    public var names: Bilingual {
        switch self {
        case .inService: Bilingual(zh: "在用", en: "in service")
        case .underRepair: Bilingual(zh: "维修", en: "under repair")
        case .retired: Bilingual(zh: "报废", en: "retired")
        case .destroyed: Bilingual(zh: "已销毁", en: "destroyed")
        }
    }

    public func name(_ language: Language) -> String { names.text(language) }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased().replacingOccurrences(of: "_", with: "-")
        if let value = ComputerState(rawValue: key) { self = value; return }
        let aliases: [String: ComputerState] = ["在用": .inService, "service": .inService, "维修": .underRepair,
                                                "repair": .underRepair, "报废": .retired, "销毁": .destroyed,
                                                "已销毁": .destroyed]
        guard let value = aliases[key] else { return nil }
        self = value
    }

    public static var acceptedNames: String {
        allCases.map { "\($0.rawValue) (\($0.name(.zh)))" }.joined(separator: ", ")
    }
}

/// How a classified computer is repaired (000 §5.2.3 (2)): inside the unit; or, sent out, with the
/// disks that hold state secrets taken out and kept in a safe; or under a designated person's watch
/// on site. A repair that is none of these is not allowed, so the move records which one it is.
public enum RepairMode: String, Sendable, Hashable, Codable, CaseIterable {
    case inUnit = "in-unit"
    case diskRemoved = "disk-removed"
    case watched

    public var names: Bilingual {
        switch self {
        case .inUnit: Bilingual(zh: "本单位内部维修", en: "repaired inside the unit")
        case .diskRemoved: Bilingual(zh: "送修前卸下硬盘存入保密柜", en: "disks removed and kept in a safe")
        case .watched: Bilingual(zh: "专人现场监控维修", en: "repaired on site under a designated person's watch")
        }
    }

    public init?(parsing text: String) {
        let key = text.trimmingWhitespace().lowercased()
        if let value = RepairMode(rawValue: key) { self = value; return }
        let aliases: [String: RepairMode] = ["内部": .inUnit, "卸下硬盘": .diskRemoved, "disk-removed-kept": .diskRemoved,
                                             "现场监控": .watched, "on-site": .watched]
        guard let value = aliases[key] else { return nil }
        self = value
    }

    public static var acceptedNames: String {
        allCases.map { "\($0.rawValue) (\($0.names.zh))" }.joined(separator: ", ")
    }
}

/// A move of a computer between states, as an administrator asks for it.
public struct ComputerMove: Sendable, Hashable, Codable {
    public var assetNumber: String
    public var to: ComputerState
    public var approver: String
    public var repairMode: RepairMode?
    /// Who watches an on-site repair, or the repair unit the designated unit is.
    public var handler: String?
    public var note: String?

    public init(assetNumber: String, to: ComputerState, approver: String, repairMode: RepairMode? = nil,
                handler: String? = nil, note: String? = nil) {
        self.assetNumber = assetNumber
        self.to = to
        self.approver = approver
        self.repairMode = repairMode
        self.handler = handler
        self.note = note
    }
}

/// One stored move of a computer.
public struct ComputerMovement: Sendable, Hashable, Codable {
    public var id: Int64?
    public var assetNumber: String
    public var at: Timestamp
    public var from: ComputerState
    public var to: ComputerState
    public var repairMode: RepairMode?
    public var approver: String
    public var handler: String?
    public var actor: Actor
    public var note: String?

    public init(assetNumber: String, at: Timestamp, from: ComputerState, to: ComputerState, approver: String, actor: Actor) {
        self.assetNumber = assetNumber
        self.at = at
        self.from = from
        self.to = to
        self.approver = approver
        self.actor = actor
    }
}

/// The legal moves of a computer, and why a move is refused.
public enum ComputerLifecycle {
    public static let table: [ComputerState: Set<ComputerState>] = [
        .inService: [.underRepair, .retired],
        .underRepair: [.inService, .retired],
        .retired: [.destroyed],
        .destroyed: [],
    ]

    /// Why `move` cannot be made from `current`, in words an administrator can act on; nil when it can.
    public static func problem(from current: ComputerState, _ move: ComputerMove) -> Bilingual? {
        let asset = SafeText.escape(move.assetNumber)
        if current == move.to {
            return Bilingual(zh: "计算机 \(asset) 已是“\(current.name(.zh))”状态",
                             en: "computer \(asset) is already \(current.name(.en))")
        }
        guard table[current, default: []].contains(move.to) else {
            let allowed = table[current, default: []].sorted { $0.rawValue < $1.rawValue }
            return Bilingual(
                zh: "计算机 \(asset) 处于“\(current.name(.zh))”状态，不能转为“\(move.to.name(.zh))”"
                    + (allowed.isEmpty ? "（已是最终状态）" : "；可转为：\(allowed.map { $0.name(.zh) }.joined(separator: "、"))"),
                en: "computer \(asset) is \(current.name(.en)) and cannot become \(move.to.name(.en))"
                    + (allowed.isEmpty ? " (that is final)" : "; it can become: \(allowed.map(\.rawValue).joined(separator: ", "))"))
        }
        if move.to == .underRepair && move.repairMode == nil {
            return Bilingual(
                zh: "送修须说明维修方式（--repair-mode）：\(RepairMode.acceptedNames)（000 §5.2.3）",
                en: "a repair must say how it keeps the secrets (--repair-mode): \(RepairMode.acceptedNames) (000 §5.2.3)")
        }
        if move.to != .underRepair && move.repairMode != nil {
            return Bilingual(zh: "--repair-mode 只用于送修（under-repair）", en: "--repair-mode is only for under-repair")
        }
        if move.repairMode == .watched && move.handler.cleaned == nil {
            return Bilingual(zh: "现场监控维修须指明监控人（--handler）", en: "a watched repair needs the person who watches it (--handler)")
        }
        return nil
    }
}
