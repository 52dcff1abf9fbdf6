import FuzzDriver
@testable import Web

// Reads one WebSocket text frame as the widget's server does, with its default limits.
fuzz { input in
    _ = try? ClientMessage.decode(input.text, limits: WebLimits(textBytes: 2000))
}
