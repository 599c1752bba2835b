import Hummingbird
import NIOCore
import PlenarAPI

/// The request context of the sandbox: Hummingbird's core storage plus the connection, which
/// faults close and the admin API checks for a loopback peer.
public struct SandboxRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    var peerIP: String? { channel.remoteAddress?.ipAddress }

    var isLoopbackPeer: Bool {
        switch channel.remoteAddress {
        case .unixDomainSocket?: return true
        case let address?:
            guard let ip = address.ipAddress else { return false }
            return Loopback.contains(ip.hasPrefix("::ffff:") ? String(ip.dropFirst(7)) : ip)
        case nil: return false
        }
    }
}
