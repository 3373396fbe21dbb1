// A small JSON reader for the test vectors (no third-party library on the classpath).
// Objects become Map<String, Any?>, arrays List<Any?>, numbers Long (or Double), and
// true/false/null Boolean/null.
package liangzheng.test

class JsonReader(private val s: String) {
    private var i = 0

    fun parse(): Any? {
        val v = value()
        ws()
        require(i == s.length) { "trailing characters at $i" }
        return v
    }

    private fun ws() {
        while (i < s.length && s[i] in " \t\r\n") i++
    }

    private fun value(): Any? {
        ws()
        require(i < s.length) { "unexpected end" }
        return when (s[i]) {
            '{' -> obj()
            '[' -> arr()
            '"' -> str()
            't' -> lit("true", true)
            'f' -> lit("false", false)
            'n' -> lit("null", null)
            else -> num()
        }
    }

    private fun lit(word: String, v: Any?): Any? {
        require(s.startsWith(word, i)) { "bad literal at $i" }
        i += word.length
        return v
    }

    private fun obj(): Map<String, Any?> {
        val m = LinkedHashMap<String, Any?>()
        i++
        ws()
        if (s[i] == '}') { i++; return m }
        while (true) {
            ws()
            val k = str()
            ws()
            require(s[i] == ':') { "':' expected at $i" }
            i++
            m[k] = value()
            ws()
            when (s[i]) {
                ',' -> i++
                '}' -> { i++; return m }
                else -> throw IllegalArgumentException("',' or '}' expected at $i")
            }
        }
    }

    private fun arr(): List<Any?> {
        val a = ArrayList<Any?>()
        i++
        ws()
        if (s[i] == ']') { i++; return a }
        while (true) {
            a.add(value())
            ws()
            when (s[i]) {
                ',' -> i++
                ']' -> { i++; return a }
                else -> throw IllegalArgumentException("',' or ']' expected at $i")
            }
        }
    }

    private fun str(): String {
        require(s[i] == '"') { "string expected at $i" }
        i++
        val b = StringBuilder()
        while (true) {
            val c = s[i++]
            when (c) {
                '"' -> return b.toString()
                '\\' -> {
                    when (val e = s[i++]) {
                        '"', '\\', '/' -> b.append(e)
                        'b' -> b.append('\b')
                        'f' -> b.append('\u000c')
                        'n' -> b.append('\n')
                        'r' -> b.append('\r')
                        't' -> b.append('\t')
                        // A surrogate pair arrives as two \u escapes; appending both UTF-16 units rebuilds it.
                        'u' -> { b.append(s.substring(i, i + 4).toInt(16).toChar()); i += 4 }
                        else -> throw IllegalArgumentException("bad escape at $i")
                    }
                }
                else -> b.append(c)
            }
        }
    }

    private fun num(): Any {
        val start = i
        while (i < s.length && s[i] in "+-0123456789.eE") i++
        val t = s.substring(start, i)
        require(t.isNotEmpty()) { "value expected at $start" }
        return t.toLongOrNull() ?: t.toDouble()
    }
}

@Suppress("UNCHECKED_CAST")
fun Any?.obj(): Map<String, Any?> = this as Map<String, Any?>

@Suppress("UNCHECKED_CAST")
fun Any?.arr(): List<Any?> = this as List<Any?>
