import Foundation
import PackagePlugin

/// Compiles the target's `openapi.yaml` into it as `OpenAPIDocumentText.text`.
///
/// Why a plugin rather than a resource bundle: `Bundle.module` looks for a bundle folder
/// beside the executable, and the deployments install `anju` alone (deploy/Dockerfile,
/// deploy/anju.service); a compiled-in string needs nothing at run time. The YAML stays a
/// file of its own, so editors, `openapi-spec-validator` and the tests read it directly.
@main
struct EmbedOpenAPIDocument: BuildToolPlugin {
    func createBuildCommands(context: PluginContext, target: any Target) async throws -> [Command] {
        // The target's default folder (`Target.directoryURL` needs tools version 6.1).
        let input = context.package.directoryURL.appending(path: "Sources/\(target.name)/openapi.yaml")
        let output = context.pluginWorkDirectoryURL.appending(path: "OpenAPIDocumentText.swift")
        return [
            .buildCommand(
                displayName: "Embedding \(target.name)/openapi.yaml",
                executable: try context.tool(named: "EmbedText").url,
                arguments: [input.path(), output.path(), "OpenAPIDocumentText"],
                inputFiles: [input],
                outputFiles: [output])
        ]
    }
}
