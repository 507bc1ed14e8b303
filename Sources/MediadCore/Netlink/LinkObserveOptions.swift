import AssetCore

/// A mistake on the `--observe-links` command line, in words.
struct LinkObserveUsageError: Error, Sendable, CustomStringConvertible {
    var description: String
}

/// The command line of `mediad --observe-links`:
///
///     --network standalone|classified-lan|internal|internet   (default standalone; 单机/涉密网/内网/互联网)
///     --classified yes|no        whether the computer is state-secret (default yes)
///     --allow-if NAME|MAC        an allowed interface (repeatable; `enp3s0*` matches a prefix)
///     --lan-prefix CIDR          a prefix of the classified LAN (repeatable; IPv4 or IPv6)
///     --cut                      enforce: set links with a cut verdict down (default: audit only)
///     --receive-buffer BYTES     test knob: a tiny socket buffer, the way to provoke ENOBUFS
struct LinkObserveOptions: Sendable, Equatable {
    var profile = NetworkProfile(network: .standalone)
    var cut = false
    var receiveBufferSize = LinkMonitor.defaultReceiveBufferSize

    static func parse(_ arguments: [String]) throws(LinkObserveUsageError) -> LinkObserveOptions {
        var options = LinkObserveOptions()
        var words = arguments.makeIterator()
        func value(_ flag: String) throws(LinkObserveUsageError) -> String {
            guard let word = words.next() else { throw LinkObserveUsageError(description: "\(flag) needs a value") }
            return word
        }
        while let word = words.next() {
            switch word {
            case "--observe-links":
                continue
            case "--network":
                let text = try value(word)
                guard let network = NetworkType(parsing: text) else {
                    throw LinkObserveUsageError(description: "--network takes one of \(NetworkType.acceptedNames), not '\(text)'")
                }
                options.profile.network = network
            case "--classified":
                switch try value(word).lowercased() {
                case "yes", "true", "1": options.profile.classified = true
                case "no", "false", "0": options.profile.classified = false
                default: throw LinkObserveUsageError(description: "--classified takes yes or no")
                }
            case "--allow-if":
                do { options.profile.allowedInterfaces.append(try InterfaceMatch(parsing: try value(word))) } catch {
                    throw LinkObserveUsageError(description: "--allow-if: \(error)")
                }
            case "--lan-prefix":
                do { options.profile.lanPrefixes.append(try IPPrefix(parsing: try value(word))) } catch {
                    throw LinkObserveUsageError(description: "--lan-prefix: \(error)")
                }
            case "--cut":
                options.cut = true
            case "--receive-buffer":
                let text = try value(word)
                guard let bytes = Int32(text), bytes > 0 else {
                    throw LinkObserveUsageError(description: "--receive-buffer needs a byte count, not '\(text)'")
                }
                options.receiveBufferSize = bytes
            default:
                throw LinkObserveUsageError(description: "unknown option '\(SafeText.escape(word))' for --observe-links")
            }
        }
        return options
    }
}
