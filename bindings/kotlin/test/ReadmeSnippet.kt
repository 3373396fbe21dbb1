// The README's Kotlin snippet, verbatim between the markers, compiled and run by
// scripts/test-kotlin.sh (test "README Kotlin snippet runs").
package liangzheng.test

import liangzheng.*

fun readmeSnippet(
    signer: DeviceSigner, licenseBytes: ByteArray, trustListBytes: ByteArray, rootPublicKey: ByteArray,
    statusLists: List<ByteArray>, nowSeconds: () -> ULong, show: (List<String>) -> Unit, alert: (String?) -> Unit,
) {
    // --- README snippet start ---
    // Wallet app: the private key stays in secure hardware behind a DeviceSigner.
    val wallet = Wallet(signer)
    val index = wallet.add(licenseBytes)                      // the bytes the issuer sent
    val qr = wallet.present(index, listOf("name", "id_number"), nowSeconds())
    // Counter app: one call per scan, offline.
    val verifier = Verifier(trustListBytes, rootPublicKey)
    statusLists.forEach { runCatching { verifier.addStatusList(it) } }
    val report = verifier.verify(qr, defaultPolicy(nowSeconds()))
    when (report.verdict) {
        Verdict.VALID -> show(report.fields.map { "${it.labelZh}: ${it.display}" })
        Verdict.INVALID, Verdict.INDETERMINATE -> alert(report.problem?.messageZh)
    }
    // --- README snippet end ---
}
