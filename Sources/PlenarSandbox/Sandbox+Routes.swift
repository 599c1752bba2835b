import Foundation
import HTTPTypes
import Hummingbird
import MCP
import NIOCore
import PlenarAPI

extension Sandbox {
    func buildRouter() -> Router<SandboxRequestContext> {
        let router = Router(context: SandboxRequestContext.self)
        router.add(
            middleware: TrafficMiddleware(
                faults: faults, journal: journal, clock: configuration.clock, logRequests: configuration.logRequests))
        addAPIRoutes(to: router.group("v1"))
        addPeopleRoutes(to: router)
        addMCPRoutes(to: router)
        addOIDCRoutes(to: router)
        addAdminRoutes(to: router.group("_sandbox").add(middleware: LoopbackOnlyMiddleware()))
        return router
    }

    private func authenticate(_ request: Request, _ context: SandboxRequestContext) async throws -> Caller {
        try await store.authenticate(authorization: request.headers[.authorization], peer: context.peerIP)
    }

    private func addAPIRoutes(to api: RouterGroup<SandboxRequestContext>) {
        let store = self.store
        api.get("whoami") { request, context in
            let caller = try await self.authenticate(request, context)
            return Responses.json(await store.whoami(caller))
        }
        api.get("projects") { request, context in
            let caller = try await self.authenticate(request, context)
            return Responses.json(try await store.projects(caller))
        }
        for type in EventType.allCases {
            api.post(RouterPath(stringLiteral: String(type.path.dropFirst()))) { request, context in
                let caller = try await self.authenticate(request, context)
                try await store.require(type.requiredScope, caller)
                let body = try await request.jsonBody()
                let accepted = try await store.record(
                    type, body: body, caller: caller,
                    projectHeader: request.headers[.plenarProject],
                    idempotencyKey: request.headers[.idempotencyKey]
                )
                return Responses.json(accepted, status: .accepted)
            }
        }
    }

    private func addMCPRoutes(to router: Router<SandboxRequestContext>) {
        let endpoint = MCPEndpoint(store: store, version: Sandbox.version, allowAnyHost: !configuration.isLoopbackHost)
        let handler: @Sendable (Request, SandboxRequestContext) async throws -> Response = { request, context in
            let caller = try await self.authenticate(request, context)
            let body = try await request.body.collect(upTo: Sandbox.maximumBodySize)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            if let authority = request.head.authority { headers["Host"] = authority }
            let answer = await endpoint.handle(
                MCP.HTTPRequest(
                    method: request.method.rawValue, headers: headers, body: Data(body.readableBytesView), path: request.uri.path),
                caller: caller,
                projectHeader: request.headers[.plenarProject]
            )
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { fields[name] = value }
            }
            let bytes = answer.bodyData.map { ByteBuffer(bytes: $0) } ?? ByteBuffer()
            return Response(status: .init(code: answer.statusCode), headers: fields, body: ResponseBody(byteBuffer: bytes))
        }
        router.post("mcp", use: handler)
        router.get("mcp", use: handler)
        router.delete("mcp", use: handler)
    }

    private func addAdminRoutes(to admin: RouterGroup<SandboxRequestContext>) {
        let store = self.store
        let faults = self.faults
        let journal = self.journal
        admin.post("keys") { request, _ in
            let minted = try await store.mintKey(try await request.decode(MintKeyRequest.self))
            try await store.flush()
            return Responses.json(minted, status: .created)
        }
        admin.get("keys") { _, _ in
            Responses.json(["keys": await store.keySummaries()])
        }
        admin.post("keys/:id/revoke") { _, context in
            let id = try context.parameters.require("id")
            try await store.revokeKey(id: id)
            try await store.flush()
            return Responses.json(["id": id, "revoked": "true"])
        }
        admin.post("projects") { request, _ in
            let project = try await store.createProject(try await request.decode(CreateProjectRequest.self))
            try await store.flush()
            return Responses.json(project, status: .created)
        }
        admin.get("projects") { _, _ in
            Responses.json(ProjectList(projects: await store.allProjects()))
        }
        admin.post("faults") { request, _ in
            let fault = try await request.decode(Fault.self).validated()
            return Responses.json(faults.add(fault), status: .created)
        }
        admin.get("faults") { _, _ in
            Responses.json(["faults": faults.list()])
        }
        admin.delete("faults") { _, _ in
            faults.clear()
            return Response(status: .noContent)
        }
        admin.get("events") { request, _ in
            var type: EventType?
            if let name = request.uri.queryParameters["type"] {
                guard let parsed = EventType(rawValue: String(name)) else {
                    throw APIError.invalid("type must be signal, hook or run")
                }
                type = parsed
            }
            return Responses.json(["events": await store.events(type: type)])
        }
        admin.get("requests") { _, _ in
            Responses.json(["requests": journal.all()])
        }
        admin.post("reset") { _, _ in
            faults.clear()
            journal.clear()
            await store.reset()
            try await store.flush()
            return Response(status: .noContent)
        }
    }
}

/// The admin API answers loopback peers only, whatever address the server listens on.
struct LoopbackOnlyMiddleware: RouterMiddleware {
    typealias Context = SandboxRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard context.isLoopbackPeer else {
            throw APIError(.forbidden, "the sandbox admin API answers loopback clients only")
        }
        return try await next(request, context)
    }
}

extension HTTPField.Name {
    static let plenarProject = HTTPField.Name(PlenarHeader.project)!
    static let idempotencyKey = HTTPField.Name(PlenarHeader.idempotencyKey)!
}
