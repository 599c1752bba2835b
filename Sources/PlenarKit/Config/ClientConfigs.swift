import PlenarAPI

/// `connect`'s MCP client configs (and, with `--hooks claude`, Claude Code's hook wiring):
/// each file read, only plenar's entry changed, all files written together or none, with the
/// workflow's environment files.
struct ClientConfigs {
    var clients: [MCPClient]
    var claudeHooks: Bool
    var inlineToken: Bool
    var force: Bool
    var dryRun: Bool
    /// `--vscode-input`: VS Code's entry takes the key from a password input.
    var vscodeInput = false

    /// One file's planned change.
    struct Plan {
        var file: String
        var snapshot: FileSnapshot
        var contents: [UInt8]?
        var backup: Bool
        var literalSecret: Bool

        var outcome: String {
            guard contents != nil else { return "unchanged" }
            return snapshot.contents == nil ? "created" : "updated"
        }
    }

    /// The files this run edits: each client's config, then Claude Code's settings for its hooks.
    var targets: [any ConfigTarget] {
        clients.map(\.config) + (claudeHooks ? [ClaudeHooks()] : [])
    }

    /// Every file `connect` knows how to edit.
    static let knownTargets: [any ConfigTarget] = MCPClient.allCases.map(\.config) + [ClaudeHooks()]

    /// Writes the configs, and appends `appends` (the workflow's files) in the same step.
    func apply(
        _ connection: Connection, appending appends: [FileAppend] = [], context: PlenarContext, reporter: Reporter
    ) throws(Failure) -> ConnectionReport {
        let root = context.files.projectRoot()
        let server = MCPServer(
            endpoint: connection.api.mcpEndpoint,
            project: connection.projectNamed ? connection.project.key : nil,
            inlineToken: inlineToken ? connection.token : nil,
            keyFromInput: vscodeInput
        )
        let files = targets.map(\.file)
        let paths = files.map { root + "/" + $0 }
        guard !paths.isEmpty || !appends.isEmpty else { return ConnectionReport() }
        var plans: [Plan] = []
        let planner = { (snapshots: [FileSnapshot]) throws(Failure) -> [FileWrite] in
            plans = []
            for (file, snapshot) in zip(files, snapshots) {
                // Two clients' files may be one file through a link (symbolic or hard); their
                // entries differ, so one would undo the other on every run.
                if let twin = plans.first(where: { $0.snapshot.isSameFile(as: snapshot) }) {
                    throw .configFile(
                        path: file,
                        reason:
                            "it is the same file as \(twin.file) (a link), and the two clients want different entries; configure one of them"
                    )
                }
                plans.append(try plan(file, snapshot, server: server))
            }
            return plans.compactMap { plan in
                plan.contents.map {
                    FileWrite(snapshot: plan.snapshot, contents: $0, mode: plan.literalSecret ? 0o600 : nil, backup: plan.backup)
                }
            }
        }
        do throws(Failure) {
            if dryRun {
                var snapshots: [FileSnapshot] = []
                for path in paths {
                    do throws(FileError) { snapshots.append(try context.files.read(path)) } catch { throw .localFile(error) }
                }
                _ = try planner(snapshots)
            } else {
                try context.files.update(paths, under: root, appending: appends, planner)
            }
        } catch let .localFile(error) where error.path.hasPrefix(root + "/") {
            throw .localFile(FileError(path: String(error.path.dropFirst(root.count + 1)), reason: error.reason, action: error.action))
        }
        var report = ConnectionReport()
        for plan in plans {
            report.configs.append(
                .init(file: plan.file, result: dryRun && plan.contents != nil ? "would be " + plan.outcome : plan.outcome))
            if dryRun, let contents = plan.contents {
                report.diff += TextDiff.unified(old: plan.snapshot.contents ?? [], new: contents, path: plan.file)
            }
            if !dryRun {
                let inPlace = plan.contents != nil && plan.snapshot.links > 1 ? " in place (it has other hard links, which keep it)" : ""
                reporter.note(
                    "\(plan.file): \(plan.outcome)\(inPlace)\(plan.backup ? ", the previous version kept as \(plan.file).bak" : "")")
            }
            if plan.literalSecret, !dryRun {
                warnAboutLiteral(plan, context: context, reporter: reporter)
            }
        }
        for client in clients where inlineToken {
            if let warning = client.config.inlineTokenWarning { reporter.warning("\(client.file) \(warning)") }
        }
        return report
    }

    func plan(_ file: String, _ snapshot: FileSnapshot, server: MCPServer) throws(Failure) -> Plan {
        var plan = Plan(file: file, snapshot: snapshot, contents: nil, backup: false, literalSecret: false)
        let original = snapshot.contents ?? []
        do throws(EditRefusal) {
            plan.contents = try edit(file, original, server: server, force: false)
        } catch {
            guard force, !error.unparseable else { throw .configFile(path: file, reason: error.reason) }
            do throws(EditRefusal) {
                plan.contents = try edit(file, original, server: server, force: true)
                plan.backup = true
            } catch {
                throw .configFile(path: file, reason: error.reason)
            }
        }
        plan.literalSecret = server.inlineToken.map { token in (plan.contents ?? original).containsSequence(Array(token.utf8)) } ?? false
        if plan.literalSecret, plan.contents == nil, let mode = snapshot.mode, mode & 0o077 != 0 {
            plan.contents = original  // only the mode changes: a file holding a key is for its owner alone
        }
        return plan
    }

    /// The new text of one file, or nil when it is already as it should be (or plenar does not
    /// know the file).
    func edit(_ file: String, _ original: [UInt8], server: MCPServer, force: Bool) throws(EditRefusal) -> [UInt8]? {
        try Self.knownTargets.first { $0.file == file }?.edit(original, server: server, force: force)
    }

    private func warnAboutLiteral(_ plan: Plan, context: PlenarContext, reporter: Reporter) {
        switch context.files.gitExposure(of: plan.snapshot.realPath) {
        case .tracked:
            reporter.warning(
                "\(plan.file) holds the literal key and git tracks it: remove it from the repository (git rm --cached \(plan.file)) and create a new key"
            )
        case .unignored:
            reporter.warning("\(plan.file) holds the literal key and git does not ignore it: add it to .gitignore before committing")
        case .ignored, .unknown:
            break
        }
    }
}
