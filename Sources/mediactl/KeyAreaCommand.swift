import ArgumentParser
import AssetCore

extension MediaCommand {
    /// 003 第十条: phones, cameras and recorders enter key areas only with approval.
    struct KeyArea: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "key-area",
            abstract: "Approve a phone, camera or recorder for key areas (要害部位审批), or withdraw it.",
            discussion: """
                On a computer registered as standing in a key area (`host set --key-area yes`), \
                mediad blocks a registered phone, camera or recorder unless a leader approved
                it for key areas (003 第十条). The approval names the approver and is kept in
                the admin trail; USB sticks and disks need none.

                Examples:
                  mediactl media key-area QT-2026-0001 --approver 王五 \\
                      --note "会议录音，经批准"
                  mediactl media key-area QT-2026-0001 --approver 王五 --revoke
                """)
        @OptionGroup var globals: GlobalOptions
        @Argument(help: "Unified number (统一编号) of the phone, camera or recorder.") var number: String
        @Option(help: "Approving leader (审批人).") var approver: String
        @Option(help: "What the approval is for.") var note: String?
        @Flag(help: "Withdraw the approval instead.") var revoke = false

        func run() throws {
            let s = Session(globals: globals)
            _ = try s.perform(.mediaKeyArea(KeyAreaApproval(number: number, approver: approver, note: note, revoke: revoke)))
            Output.print(Render(language: s.language).t(
                revoke ? "介质 \(number) 的要害部位审批已撤销\n" : "介质 \(number) 已获准进入要害部位（审批人 \(approver)）\n",
                revoke ? "medium \(number): key-area approval withdrawn\n" : "medium \(number) approved for key areas by \(approver)\n"))
        }
    }
}
