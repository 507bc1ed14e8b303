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

    static let parser = OptionParser(valued: ["--network", "--classified", "--allow-if", "--lan-prefix", "--receive-buffer"],
                                     flags: ["--observe-links", "--cut"])

    static let usage = """
        usage: mediad --observe-links [--network TYPE] [--classified yes|no] [--allow-if NAME|MAC]...
                                      [--lan-prefix CIDR]... [--cut]

        Prints every network link and the verdict the guard would give it, one JSON object per line.
        """

    /// The options, or nil for `--help` (the caller prints `usage`).
    static func parse(_ arguments: [String]) throws(LinkObserveUsageError) -> LinkObserveOptions? {
        let words: [OptionParser.Word]
        do {
            guard case .words(let read) = try parser.parse(arguments) else { return nil }
            words = read
        } catch {
            switch error {
            case .missingValue(let name): throw LinkObserveUsageError(description: "\(name) needs a value")
            case .unknown(let word):
                throw LinkObserveUsageError(description: "unknown option '\(SafeText.escape(word))' for --observe-links")
            }
        }
        var options = LinkObserveOptions()
        for word in words {
            switch word {
            case .flag("--cut"):
                options.cut = true
            case .flag:   // --observe-links, the mode itself
                continue
            case .option("--network", let text):
                guard let network = NetworkType(parsing: text) else {
                    throw LinkObserveUsageError(description: "--network takes one of \(NetworkType.acceptedNames), not '\(text)'")
                }
                options.profile.network = network
            case .option("--classified", let text):
                switch text.lowercased() {
                case "yes", "true", "1": options.profile.classified = true
                case "no", "false", "0": options.profile.classified = false
                default: throw LinkObserveUsageError(description: "--classified takes yes or no")
                }
            case .option("--allow-if", let text):
                do { options.profile.allowedInterfaces.append(try InterfaceMatch(parsing: text)) } catch {
                    throw LinkObserveUsageError(description: "--allow-if: \(error)")
                }
            case .option("--lan-prefix", let text):
                do { options.profile.lanPrefixes.append(try IPPrefix(parsing: text)) } catch {
                    throw LinkObserveUsageError(description: "--lan-prefix: \(error)")
                }
            case .option(_, let text):   // --receive-buffer
                guard let bytes = Int32(text), bytes > 0 else {
                    throw LinkObserveUsageError(description: "--receive-buffer needs a byte count, not '\(text)'")
                }
                options.receiveBufferSize = bytes
            }
        }
        return options
    }
}
