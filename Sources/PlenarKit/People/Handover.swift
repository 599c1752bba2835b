import FoundationEssentials
import PlenarAPI

/// Where a new key's plaintext goes: stdout once, a 0600 file, or `gh secret set` on stdin (so it
/// never touches disk or argv).
public enum Handover: Equatable, Sendable {
    case stdout
    case file(String)
    case ghSecret(name: String, repo: String?)

    static let ghTimeout = Duration.seconds(60)

    var text: String {
        switch self {
        case .stdout: "standard output"
        case let .file(path): "\(path) (mode 0600)"
        case let .ghSecret(name, repo): "the GitHub secret \(name)" + (repo.map { " of \($0)" } ?? " of this repository")
        }
    }

    /// Hands the plaintext over. With `.stdout` it is the one raw token plenar ever prints (masked
    /// first by the CI running the job, if any).
    func deliver(_ token: String, key: KeyInfo, json: Bool, context: PlenarContext, reporter: Reporter) throws(Failure) {
        switch self {
        case .stdout:
            CIAdapters.announceMasks([Array(token.utf8)], context: context, reporter: reporter)
            if json {
                context.stdout.write(String(decoding: try encode(CreatedKey(key: key, token: token)), as: UTF8.self) + "\n")
            } else {
                context.stdout.write(token + "\n")
            }
        case let .file(path):
            do throws(FileError) {
                try context.credentials.write(Array((token + "\n").utf8), to: path, privateFolder: false)
            } catch {
                throw .people(.handoverFailed("cannot write the new key to \(path): \(error.reason)"))
            }
        case let .ghSecret(name, repo):
            let argv = ["gh", "secret", "set", name] + (repo.map { ["--repo", $0] } ?? [])
            let outcome = context.helpers.run(argv, input: Array(token.utf8), environment: context.environment, timeout: Self.ghTimeout)
            guard outcome.status == 0 else {
                let detail = outcome.problem ?? "exit \(outcome.status ?? -1)"
                let said = outcome.stderr.trimmed.isEmpty ? "" : ": \(outcome.stderr.trimmed.printable)"
                throw .people(.handoverFailed("gh secret set \(name) failed (\(detail))\(said)"))
            }
        }
    }
}
