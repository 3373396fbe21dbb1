// Load-time check that the Kotlin bindings and the native library come from the same
// build (scripts/test-kotlin.sh). Run with a library built from another API surface
// (ffi feature `api-skew-test`: one parameter renamed, so one UniFFI checksum differs):
//
//   java -Duniffi.component.liangzheng_ffi.libraryOverride=/path/to/skewed.so ... liangzheng.test.ChecksumMismatch
//
// Exit status 0 only if the first call fails with UniFFI's checksum error (a catchable
// RuntimeException naming the mismatch), a second call fails the same way, and the JVM
// keeps running: no crash, no call into a library with another API.
package liangzheng.test

import kotlin.system.exitProcess
import liangzheng.*

object ChecksumMismatch {
    private fun firstCall(): Throwable? =
        try {
            val build = libraryBuild()
            println("FAIL checksum mismatch: the bindings accepted the library (libraryBuild() = $build)")
            null
        } catch (e: Throwable) {
            e
        }

    @JvmStatic
    fun main(args: Array<String>) {
        val first = firstCall() ?: exitProcess(1)
        val second = firstCall() ?: exitProcess(1)
        for ((i, e) in listOf(first, second).withIndex()) {
            val message = e.message.orEmpty()
            if (e !is RuntimeException || !message.contains("checksum mismatch")) {
                println("FAIL checksum mismatch, call ${i + 1}: expected UniFFI's checksum error, got ${e::class.qualifiedName}: $message")
                exitProcess(1)
            }
        }
        // The JVM is alive and the error is an ordinary exception an app can catch at start-up.
        println("PASS checksum mismatch refused at load time: ${first::class.qualifiedName}: ${first.message}")
        exitProcess(0)
    }
}
