import ArgumentParser
import PlenarKit

struct Project: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "project",
        abstract: "The projects the credential reaches, and the default a personal token or session uses.",
        subcommands: [ListProjects.self, UseProject.self, CurrentProject.self]
    )
}

struct ProjectOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The credential (default: $PLENAR_TOKEN, else the login file).", valueName: "key"))
    var key: String?

    @Flag(help: "Print one JSON document on stdout.")
    var json = false
}

struct ListProjects: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the projects the credential reaches; * marks the default.")

    @OptionGroup var options: ProjectOptions

    func run() throws {
        try finish(ProjectCommand(action: .list, key: options.key, json: options.json).run(.live()))
    }
}

struct UseProject: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "use",
        abstract: "Pin the person's default project (personal tokens and sessions; org keys have none on purpose).",
        discussion: "Agents configured by connect reach the new default on their next call; no config is rewritten."
    )

    @Argument(help: "Project key or id, such as PLEN-OPS.")
    var project: String

    @OptionGroup var options: ProjectOptions

    func run() throws {
        try finish(ProjectCommand(action: .use(project), key: options.key, json: options.json).run(.live()))
    }
}

struct CurrentProject: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "current", abstract: "The project a call naming none reaches, and why.")

    @OptionGroup var options: ProjectOptions

    func run() throws {
        try finish(ProjectCommand(action: .current, key: options.key, json: options.json).run(.live()))
    }
}
