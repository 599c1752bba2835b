import Foundation
import MCP
import PlenarAPI

/// `POST /mcp`: MCP over Streamable HTTP, answered with plain JSON (no SSE stream).
///
/// Each POST gets a fresh server and stateless transport bound to the caller that was already
/// authenticated; a long-lived pair refuses a second client's `initialize`.
struct MCPEndpoint: Sendable {
    let store: SandboxStore
    let version: String
    let allowAnyHost: Bool

    func handle(_ request: MCP.HTTPRequest, caller: Caller, projectHeader: String?) async -> MCP.HTTPResponse {
        let transport: StatelessHTTPServerTransport
        if allowAnyHost {
            transport = StatelessHTTPServerTransport(
                validationPipeline: StandardValidationPipeline(validators: [
                    OriginValidator.disabled, AcceptHeaderValidator(mode: .jsonOnly), ContentTypeValidator(), ProtocolVersionValidator(),
                ]))
        } else {
            transport = StatelessHTTPServerTransport()
        }
        let server = Server(
            name: "plenar-sandbox", version: version,
            capabilities: .init(tools: .init(listChanged: false))
        )
        let store = self.store
        await server.withMethodHandler(ListTools.self) { _ in
            ListTools.Result(tools: Self.tools)
        }
        await server.withMethodHandler(CallTool.self) { call in
            await Self.call(call, caller: caller, store: store, projectHeader: projectHeader)
        }
        do {
            try await server.start(transport: transport)
        } catch {
            return .error(statusCode: 500, .internalError("cannot start MCP server: \(error)"))
        }
        let response = await transport.handleRequest(request)
        await server.stop()
        return response
    }

    static let tools: [Tool] = [
        Tool(
            name: "whoami",
            description: "The organization, creator, scopes and projects of the key this session uses.",
            inputSchema: .object(["type": "object", "properties": .object([:])]),
            annotations: .init(readOnlyHint: true)
        ),
        Tool(
            name: "list_projects",
            description: "The projects this key may reach.",
            inputSchema: .object(["type": "object", "properties": .object([:])]),
            annotations: .init(readOnlyHint: true)
        ),
        Tool(
            name: "signal",
            description:
                "Record one signal (a CI or agent event) in a project. Organization keys must pass project_id unless their allowlist holds one project.",
            inputSchema: .object([
                "type": "object",
                "properties": .object([
                    "kind": .object(["type": "string", "description": "What happened, for example deploy or test_failed."]),
                    "status": .object(["type": "string"]),
                    "message": .object(["type": "string"]),
                    "project_id": .object(["type": "string", "description": "A project id or key such as PLEN-DEMO."]),
                    "attributes": .object(["type": "object"]),
                ]),
                "required": .array(["kind"]),
            ])
        ),
    ]

    private static func call(
        _ call: CallTool.Parameters, caller: Caller, store: SandboxStore, projectHeader: String?
    ) async -> CallTool.Result {
        do {
            switch call.name {
            case "whoami":
                return try await result(store.whoami(caller))
            case "list_projects":
                return try result(await store.projects(caller))
            case "signal":
                let body = JSONValue.object((call.arguments ?? [:]).mapValues(JSONValue.init))
                return try result(
                    await store.record(.signal, body: body, caller: caller, projectHeader: projectHeader, idempotencyKey: nil))
            default:
                return CallTool.Result(content: [text("unknown tool \(call.name)")], isError: true)
            }
        } catch let error as APIError {
            return CallTool.Result(content: [text("\(error.code.rawValue): \(error.message)")], isError: true)
        } catch {
            return CallTool.Result(content: [text("internal: \(error)")], isError: true)
        }
    }

    private static func text(_ text: String) -> Tool.Content {
        .text(text: text, annotations: nil, _meta: nil)
    }

    private static func result(_ value: some Encodable) throws -> CallTool.Result {
        let data = try JSONEncoder.sandbox().encode(value)
        let structured = try JSONDecoder().decode(Value.self, from: data)
        return try CallTool.Result(content: [text(String(decoding: data, as: UTF8.self))], structuredContent: structured)
    }
}

extension JSONValue {
    init(_ value: Value) {
        switch value {
        case .null: self = .null
        case let .bool(bool): self = .bool(bool)
        case let .int(int): self = .number(Double(int))
        case let .double(double): self = .number(double)
        case let .string(string): self = .string(string)
        case let .data(_, data): self = .string(data.base64EncodedString())
        case let .array(array): self = .array(array.map(JSONValue.init))
        case let .object(object): self = .object(object.mapValues(JSONValue.init))
        }
    }
}
