/// The check digits that tell a card number or an IBAN from any other run of digits.
enum Checksum {
    /// Luhn (ISO/IEC 7812): every card number passes; 9 in 10 random digit runs do not.
    static func luhn(_ digits: [UInt8]) -> Bool {
        var sum = 0
        for (offset, digit) in digits.reversed().enumerated() {
            var value = Int(digit)
            if offset % 2 == 1 {
                value *= 2
                if value > 9 { value -= 9 }
            }
            sum += value
        }
        return sum % 10 == 0
    }

    /// ISO 13616: the first four characters moved to the end, letters as 10–35, the number
    /// modulo 97 is 1. `characters` are upper-case ASCII letters and digits.
    static func ibanMod97(_ characters: [Unicode.Scalar]) -> Bool {
        guard characters.count > 4 else { return false }
        var remainder = 0
        for scalar in characters[4...] + characters[..<4] {
            let value: Int
            switch scalar {
            case "0"..."9": value = Int(scalar.value - 48)
            case "A"..."Z": value = Int(scalar.value - 55)
            default: return false
            }
            // Letters are two decimal digits, digits one: fold in as many.
            remainder = (value > 9 ? remainder * 100 : remainder * 10) + value
            remainder %= 97
        }
        return remainder == 1
    }
}
