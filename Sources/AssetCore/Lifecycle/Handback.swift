/// 清退 (000 §5.2.2): a person who leaves hands back every medium they hold or have borrowed. One home
/// for "still out with this person", used when the departure is recorded (refused, or recorded with
/// a violation per medium) and after every later change (the violation closes when the medium is in).
public enum Handback {
    /// States in which a medium is still the responsible person's to hand back: in use, lent out or
    /// carried out under their responsibility, or away for repair (it comes back to them).
    public static let heldStates: Set<MediumState> = [.inService, .loaned, .carriedOut, .underRepair]

    /// States in which a borrower (or carrier) still has the medium.
    public static let borrowedStates: Set<MediumState> = [.loaned, .carriedOut]

    /// Whether `medium` is still out with `person`: held by them in a held state, or borrowed by them.
    public static func isOutstanding(_ medium: Medium, for person: String) -> Bool {
        (medium.holder == person && heldStates.contains(medium.state))
            || (medium.borrower == person && borrowedStates.contains(medium.state))
    }

    /// How `medium` is out with `person`, for messages: held (责任人) or borrowed (借用).
    static func relation(_ medium: Medium, to person: String) -> Bilingual {
        medium.borrower == person && borrowedStates.contains(medium.state)
            ? Bilingual(zh: "借用", en: "borrowed") : Bilingual(zh: "持有", en: "held")
    }

    /// `U-2026-0001（在用，持有）、U-2026-0002（借出，借用）`: each medium, its state and how it is out.
    static func list(_ media: [Medium], for person: String) -> Bilingual {
        Bilingual(
            zh: media.map { "\($0.number)（\($0.state.name(.zh))，\(relation($0, to: person).zh)）" }.joined(separator: "、"),
            en: media.map { "\($0.number) (\($0.state.name(.en)), \(relation($0, to: person).en))" }.joined(separator: ", "))
    }
}
