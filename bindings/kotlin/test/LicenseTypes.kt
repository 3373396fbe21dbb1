package liangzheng.test

import liangzheng.*
import java.io.File

/**
 * License types as data through the bindings: the social security card (社会保障卡) exists only as
 * core/data/extra/social-security-card.json. scripts/test-kotlin.sh encodes it as CBOR with Python's
 * cbor2 (an independent encoder) and passes the file as -Dlz.typeFile; a missing file fails the test.
 */
fun licenseTypeTests(root: File): List<Pair<String, () -> Unit>> {
    val typeFile by lazy {
        val path = System.getProperty("lz.typeFile") ?: throw TestFailure("-Dlz.typeFile not set (scripts/test-kotlin.sh sets it)")
        File(path).readBytes()
    }
    val now = 1_795_395_600uL
    val sscCode = "11100000000013338W904"
    val claims = """{"type": "cn.social-security-card", "license_number": "A12345678",
        "valid_from": "2024-01-01", "valid_until": "2034-01-01", "fields": {"name": "张三", "sex": "男",
        "ssn": "370102199003070016", "card_number": "A12345678", "issuing_region": "370100",
        "generation": "第三代", "issue_date": "2024-01-01"}}"""
    fun setup(): Triple<Issuer, ByteArray, ByteArray> {
        val rootKey = SigningKey.fromEd25519Seed(demoSeed("test root for license types"))
        val issuer = Issuer.fromSeed(demoSeed("济南市人力资源和社会保障局"), "济南市人力资源和社会保障局", "11370100004307520K")
        val entry = TrustListEntry(issuer.publicKey(), "济南市人力资源和社会保障局", "Jinan Human Resources and Social Security Bureau",
            "11370100004307520K", "370100", listOf(sscCode), 0uL, null)
        return Triple(issuer, signTrustList(listOf(entry), now - 86_400uL, null, rootKey), rootKey.publicKeySpki())
    }
    fun policy() = defaultPolicy(now + 5u).also { it.status = StatusMode.LENIENT }
    return listOf(
        "license types from a CBOR type file: issue, present, verify; unknown without the file" to {
            val (issuer, trustList, rootKey) = setup()
            expectError<LzException.Issue>("unknown_type") { issuer.issue(claims, null, now) }
            val wallet = Wallet.fromEd25519Seed(demoSeed("ssc holder"))
            val license = issuer.withLicenseTypes(typeFile).issue(claims, wallet.holderKey(), now - 3600u)
            wallet.addLicenseTypes(typeFile)
            val qr = wallet.present(wallet.add(license), listOf("name", "ssn"), now)
            expectEqual(Verdict.INVALID, Verifier(trustList, rootKey).verify(qr, policy()).verdict, "verdict without the type file")
            val verifier = Verifier(trustList, rootKey)
            verifier.addLicenseTypes(typeFile)
            check("cn.social-security-card" in verifier.licenseTypes()) { "type listed" }
            val report = verifier.verify(qr, policy())
            expectEqual(Verdict.VALID, report.verdict, "verdict (${report.summary})")
            val ssn = report.fields.first { it.key == "ssn" }
            expectEqual("社会保障号码", ssn.labelZh, "label")
            expectEqual("3701*************6", ssn.display, "masked display")
        },
        "a broken or repeated type file is a typed error and changes nothing" to {
            val (_, trustList, rootKey) = setup()
            val verifier = Verifier(trustList, rootKey)
            val before = verifier.licenseTypes()
            expectError<LzException.InvalidInput>("bad_type_file") { verifier.addLicenseTypes(byteArrayOf()) }
            expectError<LzException.InvalidInput>("bad_type_file") { verifier.addLicenseTypes(typeFile + byteArrayOf(0)) }
            expectEqual(before, verifier.licenseTypes(), "types after refused files")
            verifier.addLicenseTypes(typeFile)
            expectError<LzException.InvalidInput>("bad_type_definition") { verifier.addLicenseTypes(typeFile) }
            expectEqual(before + "cn.social-security-card", verifier.licenseTypes(), "types after a repeated file")
        },
    )
}
