/// How mediad ends, in sysexits(3) terms, so systemd's log and a script can tell a mistake on the
/// command line from a broken configuration or a missing resource.
enum ExitStatus {
    static let success: Int32 = 0
    /// EX_USAGE: the command line was wrong.
    static let usage: Int32 = 64
    /// EX_OSERR: something the system should give was refused (udev, a thread, the control socket).
    static let systemError: Int32 = 71
    /// EX_IOERR: the ledger could not be opened.
    static let ledgerUnavailable: Int32 = 74
    /// EX_CONFIG: the configuration file could not be read or parsed.
    static let configuration: Int32 = 78
}
