import Foundation

/// Splits text into the terms the in-memory index holds, as SQLite's FTS5 `porter unicode61`
/// tokenizer does (the tokenizer `listings_fts` was made with), so the index and FTS5 agree on
/// which listings a word matches on either engine: a term is a run of letters, digits and
/// private-use characters (combining marks inside it are kept and then dropped); letters are
/// lower-cased and lose their diacritics ("Café" → "cafe"); each term is then stemmed with the
/// Porter algorithm (terms shorter than 3 or longer than 64 bytes are left as they are).
enum SearchTokenizer {
    static func terms(_ text: String) -> [String] {
        var terms: [String] = []
        forEachTerm(text) { terms.append($0) }
        return terms
    }

    /// Calls `body` with each term of `text`, in order.
    static func forEachTerm(_ text: String, _ body: (String) -> Void) {
        forEachToken(text) { body(PorterStemmer.stem($0)) }
    }

    /// Calls `body` with each token of `text` folded but not yet stemmed (UTF-8), in order, so a
    /// caller that meets the same words again can remember their stems.
    static func forEachToken(_ text: String, _ body: ([UInt8]) -> Void) {
        var token: [UInt8] = []
        token.reserveCapacity(32)
        // ASCII text (most listings) is split byte by byte, without decoding scalars.
        var text = text
        let ascii = text.withUTF8 { utf8 -> Bool in
            guard !utf8.contains(where: { $0 >= 0x80 }) else { return false }
            for byte in utf8 {
                if byte >= 0x61 && byte <= 0x7A || byte >= 0x30 && byte <= 0x39 {
                    token.append(byte)
                } else if byte >= 0x41 && byte <= 0x5A {
                    token.append(byte + 0x20)
                } else if !token.isEmpty {
                    body(token)
                    token.removeAll(keepingCapacity: true)
                }
            }
            if !token.isEmpty { body(token) }
            return true
        }
        if ascii { return }
        func flush() {
            guard !token.isEmpty else { return }
            body(token)
            token.removeAll(keepingCapacity: true)
        }
        for scalar in text.unicodeScalars {
            let value = scalar.value
            if value < 0x80 {
                // ASCII fast path: letters and digits are term characters, everything else separates.
                let byte = UInt8(value)
                if byte >= 0x61 && byte <= 0x7A || byte >= 0x30 && byte <= 0x39 {
                    token.append(byte)
                } else if byte >= 0x41 && byte <= 0x5A {
                    token.append(byte + 0x20)
                } else {
                    flush()
                }
                continue
            }
            switch scalar.properties.generalCategory {
            case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
                 .decimalNumber, .letterNumber, .otherNumber, .privateUse:
                token.append(contentsOf: folded(scalar).utf8)
            case .nonspacingMark where !token.isEmpty:
                continue  // a diacritic written as its own mark: part of the term, folded away
            default:
                flush()
            }
        }
        flush()
    }

    /// Lower case without diacritics: the first scalar of the canonical decomposition of the
    /// lower-case form when the rest are combining marks ("É" → "e"), else the lower-case form.
    private static func folded(_ scalar: Unicode.Scalar) -> String {
        let lower = scalar.properties.lowercaseMapping
        let decomposed = lower.decomposedStringWithCanonicalMapping.unicodeScalars
        guard let base = decomposed.first, decomposed.count > 1,
              decomposed.dropFirst().allSatisfy({ $0.properties.generalCategory == .nonspacingMark }) else { return lower }
        return String(base)
    }
}

/// The Porter stemmer as SQLite's FTS5 `porter` tokenizer applies it, on lower-case UTF-8 bytes.
/// Each step tries its suffixes in order; the first suffix that fits decides, even when its
/// condition on the stem then fails.
enum PorterStemmer {
    private typealias Condition = @Sendable ([UInt8]) -> Bool
    private struct Rule: Sendable {
        let suffix: [UInt8]
        let condition: Condition?
        let replacement: [UInt8]
        init(_ suffix: String, _ condition: Condition?, _ replacement: String) {
            self.suffix = Array(suffix.utf8)
            self.condition = condition
            self.replacement = Array(replacement.utf8)
        }
    }

    static func stem(_ token: [UInt8]) -> String {
        guard token.count >= 3 && token.count <= 64 else { return String(decoding: token, as: UTF8.self) }
        var word = token
        step1a(&word)
        if word.count > 3 && word.suffix(3).elementsEqual("eed".utf8) {
            // "eed" → "ee" when the stem allows; either way the word goes no further in step 1b.
            if measureOver0(Array(word.dropLast(3))) { word.removeLast() }
        } else if apply(step1b, to: &word) {
            if !apply(step1b2, to: &word) {
                let last = word[word.count - 1]
                if !isVowel(last, yIsVowel: false) && last != UInt8(ascii: "l") && last != UInt8(ascii: "s")
                    && last != UInt8(ascii: "z") && word.count >= 2 && last == word[word.count - 2] {
                    word.removeLast()
                } else if measureIs1(word) && endsCVC(word) {
                    word.append(UInt8(ascii: "e"))
                }
            }
        }
        if word[word.count - 1] == UInt8(ascii: "y") && hasVowel(word.dropLast()) {
            word[word.count - 1] = UInt8(ascii: "i")
        }
        apply(step2, to: &word)
        apply(step3, to: &word)
        apply(step4, to: &word)
        if word[word.count - 1] == UInt8(ascii: "e") {
            let stem = Array(word.dropLast())
            if measureOver1(stem) || (measureIs1(stem) && !endsCVC(stem)) { word = stem }
        }
        if word.count > 1 && word[word.count - 1] == UInt8(ascii: "l") && word[word.count - 2] == UInt8(ascii: "l")
            && measureOver1(Array(word.dropLast())) {
            word.removeLast()
        }
        return String(decoding: word, as: UTF8.self)
    }

    private static func step1a(_ word: inout [UInt8]) {
        let n = word.count
        guard word[n - 1] == UInt8(ascii: "s") else { return }
        if word[n - 2] == UInt8(ascii: "e") {
            if (n > 4 && word[n - 4] == UInt8(ascii: "s") && word[n - 3] == UInt8(ascii: "s")) || (n > 3 && word[n - 3] == UInt8(ascii: "i")) {
                word.removeLast(2)
            } else {
                word.removeLast()
            }
        } else if word[n - 2] != UInt8(ascii: "s") {
            word.removeLast()
        }
    }

    /// Applies the first rule whose suffix fits; true when that rule's condition held (step 1b
    /// goes on only then).
    @discardableResult
    private static func apply(_ rules: [Rule], to word: inout [UInt8]) -> Bool {
        for rule in rules where word.count > rule.suffix.count && word.suffix(rule.suffix.count).elementsEqual(rule.suffix) {
            let stem = Array(word.dropLast(rule.suffix.count))
            if let condition = rule.condition, !condition(stem) { return false }
            word = stem + rule.replacement
            return true
        }
        return false
    }

    private static func isVowel(_ c: UInt8, yIsVowel: Bool) -> Bool {
        c == UInt8(ascii: "a") || c == UInt8(ascii: "e") || c == UInt8(ascii: "i") || c == UInt8(ascii: "o")
            || c == UInt8(ascii: "u") || (yIsVowel && c == UInt8(ascii: "y"))
    }

    /// Skips one vowel run then one consonant: the index after it, or nil.
    private static func skipVowelConsonant(_ z: ArraySlice<UInt8>, previousConsonant: Bool) -> Int? {
        var consonant = previousConsonant
        var i = z.startIndex
        while i < z.endIndex {
            consonant = !isVowel(z[i], yIsVowel: consonant)
            if !consonant { break }
            i += 1
        }
        i += 1
        while i < z.endIndex {
            consonant = !isVowel(z[i], yIsVowel: consonant)
            if consonant { return i + 1 }
            i += 1
        }
        return nil
    }

    private static func measureOver0(_ stem: [UInt8]) -> Bool { skipVowelConsonant(stem[...], previousConsonant: false) != nil }

    private static func measureOver1(_ stem: [UInt8]) -> Bool {
        guard let n = skipVowelConsonant(stem[...], previousConsonant: false) else { return false }
        return skipVowelConsonant(stem[n...], previousConsonant: true) != nil
    }

    private static func measureIs1(_ stem: [UInt8]) -> Bool {
        guard let n = skipVowelConsonant(stem[...], previousConsonant: false) else { return false }
        return skipVowelConsonant(stem[n...], previousConsonant: true) == nil
    }

    /// Consonant, vowel, consonant at the end, the last not w, x or y.
    private static func endsCVC(_ stem: [UInt8]) -> Bool {
        guard let last = stem.last, last != UInt8(ascii: "w"), last != UInt8(ascii: "x"), last != UInt8(ascii: "y") else { return false }
        var mask = 0
        var consonant = false
        for c in stem {
            consonant = !isVowel(c, yIsVowel: consonant)
            mask = (mask << 1) | (consonant ? 1 : 0)
        }
        return mask & 7 == 5
    }

    private static func hasVowel(_ stem: ArraySlice<UInt8>) -> Bool {
        for (offset, c) in stem.enumerated() where isVowel(c, yIsVowel: offset > 0) { return true }
        return false
    }

    private static func measureOver1EndingSOrT(_ stem: [UInt8]) -> Bool {
        guard let last = stem.last, last == UInt8(ascii: "s") || last == UInt8(ascii: "t") else { return false }
        return measureOver1(stem)
    }

    private static let step1b = [Rule("ed", { hasVowel($0[...]) }, ""), Rule("ing", { hasVowel($0[...]) }, "")]
    private static let step1b2 = [Rule("at", nil, "ate"), Rule("bl", nil, "ble"), Rule("iz", nil, "ize")]
    private static let step2 = [
        Rule("ational", measureOver0, "ate"), Rule("tional", measureOver0, "tion"), Rule("enci", measureOver0, "ence"),
        Rule("anci", measureOver0, "ance"), Rule("izer", measureOver0, "ize"), Rule("logi", measureOver0, "log"),
        Rule("bli", measureOver0, "ble"), Rule("alli", measureOver0, "al"), Rule("entli", measureOver0, "ent"),
        Rule("eli", measureOver0, "e"), Rule("ousli", measureOver0, "ous"), Rule("ization", measureOver0, "ize"),
        Rule("ation", measureOver0, "ate"), Rule("ator", measureOver0, "ate"), Rule("alism", measureOver0, "al"),
        Rule("iveness", measureOver0, "ive"), Rule("fulness", measureOver0, "ful"), Rule("ousness", measureOver0, "ous"),
        Rule("aliti", measureOver0, "al"), Rule("iviti", measureOver0, "ive"), Rule("biliti", measureOver0, "ble"),
    ]
    private static let step3 = [
        Rule("icate", measureOver0, "ic"), Rule("ative", measureOver0, ""), Rule("alize", measureOver0, "al"),
        Rule("iciti", measureOver0, "ic"), Rule("ical", measureOver0, "ic"), Rule("ful", measureOver0, ""),
        Rule("ness", measureOver0, ""),
    ]
    private static let step4 = [
        Rule("al", measureOver1, ""), Rule("ance", measureOver1, ""), Rule("ence", measureOver1, ""),
        Rule("er", measureOver1, ""), Rule("ic", measureOver1, ""), Rule("able", measureOver1, ""),
        Rule("ible", measureOver1, ""), Rule("ant", measureOver1, ""), Rule("ement", measureOver1, ""),
        Rule("ment", measureOver1, ""), Rule("ent", measureOver1, ""), Rule("ion", measureOver1EndingSOrT, ""),
        Rule("ou", measureOver1, ""), Rule("ism", measureOver1, ""), Rule("ate", measureOver1, ""),
        Rule("iti", measureOver1, ""), Rule("ous", measureOver1, ""), Rule("ive", measureOver1, ""),
        Rule("ize", measureOver1, ""),
    ]
}
