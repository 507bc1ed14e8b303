#if canImport(Glibc)
import Glibc
#endif
import ControlSocket
import Testing

/// The control socket's failures keep the words the daemon has always logged (and tests and
/// administrators grep for), now in a type of their own rather than a ledger error.
@Suite struct ControlSocketErrorTests {
    @Test func eachFailureSaysWhatWasWrongInBothLanguages() {
        let running = ControlSocketError.alreadyRunning(path: "/run/mediad/mediad.sock", daemon: "mediad")
        #expect(running.message.en == "another mediad is already running on /run/mediad/mediad.sock")
        #expect(running.message.zh == "另一个 mediad 正在 /run/mediad/mediad.sock 上运行")
        let bind = ControlSocketError.setup(path: "/run/mediad/mediad.sock", step: "bind", code: EACCES)
        #expect(bind.message.en == "cannot create the control socket /run/mediad/mediad.sock: bind (Permission denied)")
        #expect(bind.description == bind.message.en)
        #expect(ControlSocketError.acceptThread("pthread_create: out of memory").message.en
                == "cannot start the control socket's thread: pthread_create: out of memory")
    }
}
