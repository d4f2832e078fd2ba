import AnjuServer
import ArgumentParser
import Testing

@testable import AnjuCLI

/// `anju serve`'s rate-limit options: options over the environment over the defaults, and
/// every malformed value refused as bad usage before anything starts.
@Suite struct ServeRateLimitOptionsTests {
    func settings(_ arguments: [String], _ environment: [String: String] = [:]) throws -> RateLimit {
        try ServeCommand.parse(arguments).rateLimitSettings(environment: environment)
    }

    @Test("defaults, the environment, options over it, 0 for none, an empty variable as unset")
    func precedence() throws {
        #expect(try settings([]) == RateLimit())
        #expect(try settings([], ["ANJU_RATE_LIMIT": "", "ANJU_RATE_BURST": "", "ANJU_TRUSTED_PROXIES": ""]) == RateLimit())
        let fromEnvironment = try settings([], ["ANJU_RATE_LIMIT": "30", "ANJU_RATE_BURST": "5", "ANJU_TRUSTED_PROXIES": "10.0.0.0/8, fd00::/8"])
        #expect(fromEnvironment.perMinute == 30 && fromEnvironment.burst == 5)
        #expect(fromEnvironment.trustedProxies.map(\.description) == ["10.0.0.0/8", "fd00::/8"])
        let options = try settings(
            ["--rate-limit", "60", "--rate-burst", "20", "--trusted-proxy", "192.0.2.1"], ["ANJU_RATE_LIMIT": "30", "ANJU_TRUSTED_PROXIES": "10.0.0.0/8"])
        #expect(options.perMinute == 60 && options.burst == 20 && options.trustedProxies.map(\.description) == ["192.0.2.1"])
        #expect(try !settings(["--rate-limit", "0"]).isOn)
        #expect(try settings(["--trusted-proxy", "none"]).trustedProxies.isEmpty)
        #expect(try settings([]).routes.contains(RateLimit.Route(.post, "/apply")))
    }

    @Test(arguments: [["--rate-limit", "-1"], ["--rate-burst", "0"], ["--trusted-proxy", "10.0.0.0/40"], ["--trusted-proxy", "nginx"]])
    func refused(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try ServeCommand.parse(arguments) }
    }

    @Test("a malformed variable is refused too")
    func refusedEnvironment() {
        for environment in [["ANJU_RATE_LIMIT": "ten"], ["ANJU_RATE_BURST": "1.5"], ["ANJU_TRUSTED_PROXIES": "10.0.0.0/8,junk"]] {
            #expect(throws: ValidationError.self, "\(environment)") { try ServeCommand.parse([]).rateLimitSettings(environment: environment) }
        }
    }
}
