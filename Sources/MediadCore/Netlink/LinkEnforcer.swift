import AssetCore
#if canImport(Glibc)
import Glibc
#endif

/// What cutting a link did, for the record: every step that was tried and how it ended.
struct LinkCutResult: Sendable, Equatable {
    /// The link was up and was set down (the kernel acknowledged).
    var setDown = false
    /// The link was already down: nothing to set.
    var wasDown = false
    /// Syspath of the USB device deauthorized, when the link had one.
    var usbDeauthorized: String?
    /// Each step that failed, in words; empty when everything worked.
    var failures: [String] = []

    var succeeded: Bool { failures.isEmpty }
}

/// Cuts a link: sets it down through rtnetlink and, when a USB device is behind it, deauthorizes
/// that device, so the phone or dongle is gone rather than merely idle (a link set down can be
/// set up again by anyone with CAP_NET_ADMIN; a deauthorized device has no driver at all).
///
/// The link is set down first: that takes effect in one netlink round trip, while unbinding a
/// USB driver can take longer. A link already gone (ENODEV) counts as cut.
struct LinkEnforcer: Sendable {
    let client: RouteClient
    let authorizer: SysfsAuthorizer

    init(client: RouteClient, authorizer: SysfsAuthorizer = SysfsAuthorizer()) {
        self.client = client
        self.authorizer = authorizer
    }

    func cut(_ link: LinkObservation) -> LinkCutResult {
        var result = LinkCutResult()
        if link.up {
            do {
                try client.setLinkDown(ifindex: Int32(truncatingIfNeeded: link.ifindex))
                result.setDown = true
            } catch {
                if error.code == ENODEV { result.wasDown = true } else { result.failures.append(error.description) }
            }
        } else {
            result.wasDown = true
        }
        if let usb = link.usb, authorizer.isAuthorized(syspath: usb.syspath) != false {
            do {
                try authorizer.setAuthorized(false, syspath: usb.syspath)
                result.usbDeauthorized = usb.syspath
            } catch {
                result.failures.append(error.description)
            }
        }
        return result
    }
}
