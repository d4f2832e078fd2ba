import Hummingbird
import NIOCore

/// The request context of every route: Hummingbird's basic one plus the TCP peer's address,
/// which the rate limiter (`RateLimitMiddleware`) keys its buckets by. Taken from the
/// channel when the request arrives; nil only where there is no socket (the router test
/// client).
public struct AnjuRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The connection's peer: the client, or the proxy in front of it (then `X-Real-IP`
    /// names the client, when the peer is a trusted proxy).
    public let remoteAddress: SocketAddress?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }
}
