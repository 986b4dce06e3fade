import ConnectsStore
import Crypto

extension APIKey {
    /// A new secret: `prefix` (`ck_` for API keys) and 160 random bits in Crockford base32.
    static func makeSecret(prefix: String = "ck_") -> String {
        let alphabet = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ")
        var generator = SystemRandomNumberGenerator()
        return prefix + String((0..<32).map { _ in alphabet[Int(generator.next() % 32)] })
    }

    /// The hex SHA-256 of `secret`, the form a key is stored and looked up in.
    ///
    /// Keys are long random secrets, so a fast digest is enough and a stolen database does not reveal
    /// them.
    static func digest(_ secret: String) -> String {
        SHA256.hash(data: Array(secret.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
