import SyncCore
import Testing

/// sync.conf and the command line: what is accepted, and every mistake named with its line.
struct SyncConfigTests {
    @Test func aFullFileIsRead() throws {
        let config = try SyncConfig.parse("""
            # the unit's hub
            hub = https://hub.unit.example:8443/
            ca = /etc/mediad/hub-ca.pem
            socket = /run/mediad/mediad.sock   # mediad's
            state = /var/lib/mediad-sync/
            batch = 200
            wait = 45
            flush = 5
            """)
        #expect(config.hub == "https://hub.unit.example:8443")
        #expect(config.ca == "/etc/mediad/hub-ca.pem")
        #expect(config.socket == "/run/mediad/mediad.sock")
        #expect(config.state == "/var/lib/mediad-sync")
        #expect(config.tokenPath == "/var/lib/mediad-sync/token")
        #expect(config.batch == 200)
        #expect(config.wait == 45)
        #expect(config.flush == 5)
    }

    /// mediad holds the ask for records four minutes (an idle guard woken once in four minutes,
    /// inside the courier's 300 s reply timeout) whatever the hub's long-poll; `wait = 0` polls both.
    @Test func theAskForRecordsIsHeldLongerThanTheHubsLongPoll() throws {
        let held = CourierSettings(try SyncConfig.parse("hub = https://10.0.0.5:8443\nca = /etc/mediad/hub.pem\nwait = 30\n"))
        #expect(held.wait == 30 && held.recordsHold == 240)
        let polling = CourierSettings(try SyncConfig.parse("hub = https://10.0.0.5:8443\nca = /etc/mediad/hub.pem\nwait = 0\n"))
        #expect(polling.wait == 0 && polling.recordsHold == 0)
    }

    @Test func defaultsHoldForWhatIsNotSaid() throws {
        let config = try SyncConfig.parse("hub = https://10.0.0.5:8443\nca = /etc/mediad/hub.pem\n")
        #expect(config.socket == "/run/mediad/mediad.sock")
        #expect(config.state == "/var/lib/mediad-sync")
        #expect(config.batch == 500)
        #expect(config.wait == 30)
        #expect(config.flush == 2)
    }

    @Test(arguments: [
        ("hub = https://h:1\nhubb = https://h:2\n", "sync.conf line 2: unknown setting 'hubb'; known: hub, ca, socket, state, batch, wait, flush"),
        ("# comment\n\nbatch = many\n", "sync.conf line 3: batch takes a whole number from 1 to 10000, not 'many'"),
        ("wait = 61\n", "sync.conf line 1: wait takes a whole number from 0 to 60, not '61'"),
        ("flush = 0\n", "sync.conf line 1: flush takes a whole number from 1 to 3600, not '0'"),
        ("hub = http://hub:8080\n", "sync.conf line 1: hub takes https://HOST:PORT, not 'http://hub:8080'"),
        ("hub = https://hub:8443/v1\n", "sync.conf line 1: hub takes https://HOST:PORT, not 'https://hub:8443/v1'"),
        ("ca = hub.pem\n", "sync.conf line 1: ca takes an absolute path, not 'hub.pem'"),
        ("\n\n\nsocket\n", "sync.conf line 4: expected key = value"),
        ("batch = 10\nbatch = 20\n", "sync.conf line 2: batch is already set on line 1"),
    ])
    func mistakesNameTheirLine(text: String, expected: String) {
        do {
            _ = try SyncConfig.parse(text, file: "sync.conf")
            Issue.record("the mistake was accepted")
        } catch {
            #expect(error.message.en == expected)
            #expect(error.exitCode == 78)
        }
    }

    @Test func theHubAndCaAreRequiredToTalkToTheHub() throws {
        let config = try SyncConfig.parse("batch = 10\n")
        #expect(throws: SyncError.self) { _ = try config.hubEndpoint(file: "/etc/mediad/sync.conf") }
        do { _ = try config.hubEndpoint(file: "/etc/mediad/sync.conf") } catch {
            #expect(error.message.en == "/etc/mediad/sync.conf does not name the hub (hub = https://HOST:PORT)")
            #expect(error.exitCode == 78)
        }
    }

    @Test func commandsParse() throws {
        #expect(try SyncInvocation.parse([]) == SyncInvocation(configPath: "/etc/mediad/sync.conf", command: .run))
        #expect(try SyncInvocation.parse(["--config", "/tmp/s.conf", "status"])
            == SyncInvocation(configPath: "/tmp/s.conf", command: .status))
        #expect(try SyncInvocation.parse(["enrol", "--code=ABC-123", "--computer", "PC-7"])
            == SyncInvocation(configPath: "/etc/mediad/sync.conf", command: .enrol(code: "ABC-123", computer: "PC-7")))
        #expect(try SyncInvocation.parse(["enrol", "--help"]).command == .help("enrol"))
        #expect(try SyncInvocation.parse(["help", "run"]).command == .help("run"))
        #expect(try SyncInvocation.parse(["--help"]).command == .help(nil))
    }

    @Test(arguments: [
        (["enrol"], "enrol needs --code CODE, the one-time code the hub showed when this computer was registered"),
        (["status", "--code", "X"], "--code and --computer belong to enrol"),
        (["sync"], "unknown command sync; commands: run, enrol, status, help"),
        (["run", "--verbose"], "unknown option --verbose; see mediad-sync --help"),
        (["--config"], "--config needs a value"),
    ])
    func wrongCommandLinesAreUsageErrors(arguments: [String], expected: String) {
        do {
            _ = try SyncInvocation.parse(arguments)
            Issue.record("\(arguments) was accepted")
        } catch {
            #expect(error.message.en == expected)
            #expect(error.exitCode == 64)
        }
    }
}
