import FoundationEssentials
import Hummingbird
import NIOCore
import Platform
import PlenarAPI

/// Wraps every request: applies injected faults to API requests, turns thrown errors into the
/// contract's error body, records API requests in the journal and logs one line per request.
struct TrafficMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    static let heldAnswerLimit: Duration = .seconds(300)

    let faults: FaultTable
    let journal: RequestJournal
    let clock: any SandboxClock
    let logRequests: Bool

    func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let started = ContinuousClock.now
        let path = request.uri.path
        let isAPI = !path.hasPrefix("/_sandbox")
        var applied: Fault.Mode?
        if isAPI, let (fault, generation) = faults.take(path: path) {
            applied = fault.mode
            switch fault.mode {
            case .hang, .close, .trickle:
                journal.append(RequestEntry(method: request.method.rawValue, path: path, status: nil, fault: fault.mode, at: clock.now()))
                log(request, status: nil, fault: fault.mode, started: started)
                return await misbehave(fault.mode, generation: generation, context: context)
            case .delay:
                await hold(generation, upTo: .milliseconds(fault.delayMs ?? 0))
            case .status:
                return finish(Responses.error(fault.apiError), request, fault: .status, started: started)
            }
        }
        let response: Response
        do {
            response = try await next(request, context)
        } catch {
            response = Responses.error(from: error)
        }
        return finish(response, request, fault: applied, started: started, record: isAPI)
    }

    private func finish(
        _ response: Response, _ request: Request, fault: Fault.Mode?, started: ContinuousClock.Instant, record: Bool = true
    ) -> Response {
        let status = Int(response.status.code)
        if record {
            journal.append(
                RequestEntry(method: request.method.rawValue, path: request.uri.path, status: status, fault: fault, at: clock.now()))
        }
        log(request, status: status, fault: fault, started: started)
        return response
    }

    private func misbehave(_ mode: Fault.Mode, generation: Int, context: Context) async -> Response {
        switch mode {
        case .hang:
            await hold(generation, upTo: Self.heldAnswerLimit)
            context.channel.close(promise: nil)
        case .close:
            context.channel.close(promise: nil)
        default:
            let faults = self.faults
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: ResponseBody { writer in
                    let end = ContinuousClock.now + Self.heldAnswerLimit
                    while !faults.isReleased(generation), ContinuousClock.now < end {
                        try await writer.write(ByteBuffer(string: " "))
                        try await Task.sleep(for: .milliseconds(500))
                    }
                    try await writer.finish(nil)
                })
        }
        return Response(status: .ok)
    }

    /// Waits `duration`, or less when the fault is cleared, the server stops or the task is cancelled.
    private func hold(_ generation: Int, upTo duration: Duration) async {
        let end = ContinuousClock.now + duration
        while !faults.isReleased(generation), !Task.isCancelled {
            let left = end - ContinuousClock.now
            guard left > .zero else { return }
            try? await Task.sleep(for: min(left, .milliseconds(20)))
        }
    }

    private func log(_ request: Request, status: Int?, fault: Fault.Mode?, started: ContinuousClock.Instant) {
        guard logRequests else { return }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        var line = "\(Timestamp.format(Date())) \(request.method.rawValue) \(request.uri.path) "
        line += status.map(String.init) ?? "-"
        line += " \((milliseconds * 10).rounded() / 10)ms"
        if let fault { line += " fault=\(fault.rawValue)" }
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            line += " token=\(TokenShape.display(String(authorization.dropFirst(7))))"
        }
        StandardError.write(line + "\n")
    }
}

/// Unbuffered writes to file descriptor 2 (Swift 6 forbids the global `stderr` stream).
public enum StandardError {
    public static func write(_ text: String) { FileDescriptor.write(text, to: 2) }
}

/// Unbuffered writes to file descriptor 1, so a line is out before the process does anything else.
public enum StandardOutput {
    public static func write(_ text: String) { FileDescriptor.write(text, to: 1) }
}

enum FileDescriptor {
    static func write(_ text: String, to fd: Int32) {
        try? FileIO.writeAll(Array(text.utf8), to: fd)
    }
}
