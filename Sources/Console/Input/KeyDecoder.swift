/// Turns terminal input bytes into keys: UTF-8 text, control bytes, and the escape sequences of
/// xterm-like terminals (CSI `ESC [`, SS3 `ESC O`, Alt as `ESC` + key, bracketed paste). A small
/// state machine fed whatever `read` returned; a sequence split across reads is completed by
/// the next one.
public struct KeyDecoder: Sendable {
    private enum State: Sendable {
        case ground
        case escape
        case csi([UInt8])
        case ss3
        case utf8(remaining: Int, bytes: [UInt8])
        case paste([UInt8])
    }

    private var state = State.ground

    public init() {}

    /// The keys in `bytes`; a lone ESC at the end of a read is the Escape key.
    public mutating func feed(_ bytes: some Sequence<UInt8>) -> [Key] {
        var keys: [Key] = []
        for byte in bytes { step(byte, into: &keys) }
        if case .escape = state {
            keys.append(.escape)
            state = .ground
        }
        return keys
    }

    private mutating func step(_ byte: UInt8, into keys: inout [Key]) {
        switch state {
        case .ground:
            ground(byte, into: &keys)
        case .escape:
            state = .ground
            switch byte {
            case UInt8(ascii: "["): state = .csi([])
            case UInt8(ascii: "O"): state = .ss3
            case 0x1B: keys.append(.escape); state = .escape
            case 0x7F: keys.append(.alt("\u{7F}"))
            case 0x20..<0x7F: keys.append(.alt(Character(UnicodeScalar(byte))))
            default:
                keys.append(.escape)
                ground(byte, into: &keys)
            }
        case .csi(var parameters):
            if (0x20...0x3F).contains(byte) {
                parameters.append(byte)
                state = parameters.count > 32 ? .ground : .csi(parameters)
                if parameters.count > 32 { keys.append(.unknown) }
            } else {
                state = .ground
                csi(parameters, final: byte, into: &keys)
            }
        case .ss3:
            state = .ground
            switch byte {
            case UInt8(ascii: "A"): keys.append(.up)
            case UInt8(ascii: "B"): keys.append(.down)
            case UInt8(ascii: "C"): keys.append(.right)
            case UInt8(ascii: "D"): keys.append(.left)
            case UInt8(ascii: "H"): keys.append(.home)
            case UInt8(ascii: "F"): keys.append(.end)
            default: keys.append(.unknown)
            }
        case .utf8(let remaining, var bytes):
            guard byte & 0xC0 == 0x80 else {
                keys.append(.unknown)
                state = .ground
                ground(byte, into: &keys)
                return
            }
            bytes.append(byte)
            if remaining == 1 {
                state = .ground
                if let text = String(validating: bytes, as: UTF8.self), let character = text.first {
                    keys.append(.character(character))
                } else {
                    keys.append(.unknown)
                }
            } else {
                state = .utf8(remaining: remaining - 1, bytes: bytes)
            }
        case .paste(var bytes):
            bytes.append(byte)
            let end: [UInt8] = Array("\u{1B}[201~".utf8)
            if bytes.count >= end.count, Array(bytes.suffix(end.count)) == end {
                state = .ground
                keys.append(.paste(String(decoding: bytes.dropLast(end.count), as: UTF8.self)))
            } else {
                state = bytes.count > 64 * 1024 ? .ground : .paste(bytes)
            }
        }
    }

    private mutating func ground(_ byte: UInt8, into keys: inout [Key]) {
        switch byte {
        case 0x1B: state = .escape
        case 0x0D, 0x0A: keys.append(.enter)
        case 0x09: keys.append(.tab)
        case 0x7F, 0x08: keys.append(.backspace)
        case 0x01...0x1A: keys.append(.control(Character(UnicodeScalar(byte + 0x60))))
        case 0x00, 0x1C...0x1F: keys.append(.unknown)
        case 0x20..<0x7F: keys.append(.character(Character(UnicodeScalar(byte))))
        case 0xC2...0xDF: state = .utf8(remaining: 1, bytes: [byte])
        case 0xE0...0xEF: state = .utf8(remaining: 2, bytes: [byte])
        case 0xF0...0xF4: state = .utf8(remaining: 3, bytes: [byte])
        default: keys.append(.unknown)
        }
    }

    private mutating func csi(_ parameters: [UInt8], final: UInt8, into keys: inout [Key]) {
        let text = String(decoding: parameters, as: UTF8.self)
        switch (text, final) {
        case (_, UInt8(ascii: "A")): keys.append(.up)
        case (_, UInt8(ascii: "B")): keys.append(.down)
        case (_, UInt8(ascii: "C")): keys.append(.right)
        case (_, UInt8(ascii: "D")): keys.append(.left)
        case (_, UInt8(ascii: "H")): keys.append(.home)
        case (_, UInt8(ascii: "F")): keys.append(.end)
        case ("", UInt8(ascii: "Z")): keys.append(.backTab)
        case (_, UInt8(ascii: "~")):
            switch text.split(separator: ";").first ?? "" {
            case "1", "7": keys.append(.home)
            case "4", "8": keys.append(.end)
            case "3": keys.append(.delete)
            case "5": keys.append(.pageUp)
            case "6": keys.append(.pageDown)
            case "200": state = .paste([])
            default: keys.append(.unknown)
            }
        default: keys.append(.unknown)
        }
    }
}
