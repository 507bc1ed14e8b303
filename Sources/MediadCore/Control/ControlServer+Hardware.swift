import AssetCore
import HardwareProbe

/// `computer inventory` and `computer baseline` through the socket: the daemon reads the hardware
/// itself, as root and the way the guard compares it, so a baseline is what the guard will see.
extension ControlServer {
    func hardware(_ ask: HardwareAsk, caller: Caller) -> ControlReply {
        do {
            return .response(try service.handle(ask.request(HardwareProbe.read()), caller: caller))
        } catch {
            return .error(error)
        }
    }
}
