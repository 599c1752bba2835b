import FoundationEssentials
import Platform
import PlenarAPI

/// The one client every request goes through. It owns the invocation's deadline (connect, TLS,
/// waiting, reading, the retry and the wait before it, all included) and the single retry on 429.
public struct PlenarClient {
    public static let version = Release.version
    /// A second attempt is made only if, after the wait, at least this much of the deadline is left.
    public static let minimumAttempt = Duration.milliseconds(250)
    public static let defaultRetryAfter = Duration.seconds(1)
    /// A client made within this long of plenar's start (`PlenarContext.launched`) counts its
    /// deadline from the start: the time to start, parse and load libcurl is inside
    /// `PLENAR_TIMEOUT_MS`. A later one (run's report, login's polls) counts from when it is made.
    public static let startUp = Duration.milliseconds(50)

    let api: APIBaseURL
    var token: String
    let transport: any HTTPTransport
    let clock: any Clock
    let timeout: Duration
    let deadline: Duration
    let userAgent: String
    let random: @Sendable (Int) -> String

    /// Starts the deadline now, or at plenar's start during start-up (`startUp`): every request of
    /// this client shares it.
    public init(api: APIBaseURL, token: String, timeout: Duration, context: PlenarContext) {
        self.api = api
        self.token = token
        self.transport = context.transport
        self.clock = context.clock
        self.timeout = timeout
        let now = context.clock.now()
        let start = context.launched.flatMap { now - $0 <= Self.startUp ? min($0, now) : nil } ?? now
        self.deadline = start + timeout
        self.userAgent = "plenar/\(Self.version) (\(OperatingSystem.name); \(OperatingSystem.architecture))"
        self.random = context.random
    }

    public func get<T: Decodable>(_ path: String, as type: T.Type) throws(Failure) -> T {
        try decode(T.self, from: send(HTTPRequestSpec(method: "GET", url: api.url(path), headers: headers())))
    }

    /// Posts a record (JSON bytes); one Idempotency-Key covers the retry, so the server stores it once.
    /// `namesProject`: the body names a project, so a 404 means that project, not a wrong URL.
    /// `idempotencyKey`: the key of an earlier attempt (a spooled record), else a new one.
    public func post(_ path: String, body: [UInt8], namesProject: Bool, idempotencyKey: String? = nil) throws(Failure) -> Accepted {
        let request = HTTPRequestSpec(
            method: "POST", url: api.url(path),
            headers: headers() + [("Content-Type", "application/json"), ("Idempotency-Key", idempotencyKey ?? random(32))],
            body: body
        )
        return try decode(Accepted.self, from: send(request, namesProject: namesProject))
    }

    private func headers() -> [(String, String)] {
        [("Authorization", "Bearer \(token)"), ("User-Agent", userAgent), ("Accept", "application/json")]
    }

    /// Sends within the deadline; retries once on 429 when the wait and an attempt still fit.
    /// `check: false` returns any other answer as it came (the OIDC exchange reads its refusals).
    func send(_ request: HTTPRequestSpec, namesProject: Bool = false, check: Bool = true) throws(Failure) -> HTTPReply {
        var retried = false
        while true {
            let left = deadline - clock.now()
            guard left > .zero else { throw .unavailable(.timedOut(milliseconds: timeout.wholeMilliseconds)) }
            let reply: HTTPReply
            switch transport.send(request, timeout: left) {
            case let .success(value):
                reply = value
            case .failure(.timedOut):
                throw .unavailable(.timedOut(milliseconds: timeout.wholeMilliseconds))
            case let .failure(.network(detail)):
                throw .unavailable(.network(detail))
            case let .failure(.tls(detail)):
                throw .unavailable(.tls(detail))
            case let .failure(.oversized(limit)):
                throw .unavailable(.oversized(bytes: limit))
            }
            if reply.status == 429, !retried {
                let wait = Self.retryAfter(reply.retryAfter, now: clock.date())
                guard wait + Self.minimumAttempt <= deadline - clock.now() else { throw .unavailable(.rateLimited(wait: wait)) }
                clock.sleep(for: wait)
                retried = true
                continue
            }
            return check ? try Self.check(reply, namesProject: namesProject) : reply
        }
    }

    /// Maps a status to the contract: 2xx passes; credential and reach problems (401, 403, 422, and
    /// 404 for a request that named a project) are `rejected`; everything else is `unavailable`.
    static func check(_ reply: HTTPReply, namesProject: Bool = false) throws(Failure) -> HTTPReply {
        if (200..<300).contains(reply.status) { return reply }
        let error = try? JSONDecoder().decode(ErrorBody.self, from: Data(reply.body))
        let code = error?.error.code ?? ErrorCode.forStatus(reply.status).rawValue
        let message = error?.error.message ?? ""
        switch reply.status {
        case 401, 403, 422:
            throw .rejected(status: reply.status, code: code, message: message)
        // Only the service's own `not_found` names the project; a bare 404 is a wrong URL.
        case 404 where namesProject && error?.error.code == ErrorCode.notFound.rawValue:
            throw .rejected(status: reply.status, code: code, message: message)
        case 429:
            throw .unavailable(.rateLimited(wait: nil))
        case 300..<400:
            throw .unavailable(.redirected(status: reply.status))
        default:
            throw .unavailable(.server(status: reply.status, code: code))
        }
    }

    /// `Retry-After` (RFC 9110 §10.2.3): seconds, or an HTTP date, counted from `now` (a date
    /// past is no wait). Absent or unreadable means the default.
    static func retryAfter(_ header: String?, now: Date) -> Duration {
        guard let text = header?.trimmed, !text.isEmpty else { return defaultRetryAfter }
        if text.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) {
            // More digits than fit is "longer than any deadline", not "unreadable"; clamped as the
            // date form is, so that no later arithmetic on it can overflow.
            return .seconds(min(Int(text) ?? Int(Int32.max), Int(Int32.max)))
        }
        guard let date = HTTPDate.parse(text) else { return defaultRetryAfter }
        let seconds = date.timeIntervalSince(now)
        return seconds > 0 ? .milliseconds(Int(min(seconds, Double(Int32.max)) * 1000)) : .zero
    }

    private func decode<T: Decodable>(_ type: T.Type, from reply: HTTPReply) throws(Failure) -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(reply.body))
        } catch {
            throw .unavailable(.badResponse("the \(reply.status) answer is not the expected JSON"))
        }
    }
}
