// Animated codes through the Kotlin bindings, as a counter app gets them: frame texts fed to
// FrameAssembler ONE BY ONE — shuffled with 30% lost, interleaved with another presentation's
// frames, truncated and forged frames — then verified: the portrait (the exact signed JPEG,
// examples/data/synthetic-face.jpg) and the 13-member 一照通 bundle of examples/src/demo.rs
// (bindings/testdata/hotel-bundle.json), valid member by member and invalid with another
// company's permit. The same cases as bindings/python/tests/test_frames.py.
package liangzheng.test

import java.io.File
import java.security.MessageDigest
import java.util.Base64
import kotlin.random.Random
import liangzheng.*

private const val B45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"

/** RFC 9285 Base45, to forge a frame the way an attacker would. */
fun b45decode(s: String): ByteArray {
    val out = java.io.ByteArrayOutputStream()
    for (i in s.indices step 3) {
        val chunk = s.substring(i, minOf(i + 3, s.length)).map { B45.indexOf(it) }
        var n = 0
        var m = 1
        for (v in chunk) { n += v * m; m *= 45 }
        if (chunk.size == 3) out.write(n shr 8)
        out.write(n and 0xff)
    }
    return out.toByteArray()
}

fun b45encode(b: ByteArray): String = buildString {
    for (i in b.indices step 2) {
        var n = if (i + 1 < b.size) ((b[i].toInt() and 0xff) shl 8) or (b[i + 1].toInt() and 0xff) else b[i].toInt() and 0xff
        repeat(if (i + 1 < b.size) 3 else 2) { append(B45[n % 45]); n /= 45 }
    }
}

/** The frame with one byte of its symbol changed (its 25-byte header intact). */
fun forge(frame: String, at: Int = 40): String {
    val raw = b45decode(frame.removePrefix("LZ1F:"))
    check(raw.size > at && at >= 25) { "frame too short to forge" }
    raw[at] = (raw[at].toInt() xor 0x5A).toByte()
    return "LZ1F:" + b45encode(raw)
}

/** What a counter camera catches of one loop: a seeded 30% dropped, the rest shuffled. */
fun lossyShuffle(frames: List<String>, seed: Int): List<String> {
    val rng = Random(seed)
    return frames.filter { rng.nextDouble() >= 0.3 }.shuffled(rng)
}

class FrameDemo(repo: File) {
    val fixture = JsonReader(repo.resolve("bindings/testdata/hotel-bundle.json").readText()).parse().obj()
    val face = repo.resolve("examples/data/synthetic-face.jpg").readBytes()
    val now = (fixture["now"] as Long).toULong()
    private val psb = mapOf("label" to "济南市公安局", "name_zh" to "济南市公安局",
        "name_en" to "Jinan Municipal Public Security Bureau", "code" to "11370100004307520K",
        "region" to "370100", "types" to listOf("11100000000013338W901"), "not_before" to 1577836800L)
    private val authorities = fixture["authorities"].arr().map { it.obj() } + listOf(psb)
    val issuers = authorities.map { Issuer.fromSeed(demoSeed(it["label"] as String), it["name_zh"] as String, it["code"] as String) }
    private val root = SigningKey.fromEd25519Seed(demoSeed(fixture["root_label"] as String))
    val trustList = signTrustList(
        authorities.zip(issuers).map { (a, i) ->
            TrustListEntry(i.publicKey(), a["name_zh"] as String, a["name_en"] as String, a["code"] as String,
                a["region"] as String, a["types"].arr().map { it as String }, (a["not_before"] as Long).toULong())
        },
        (fixture["trust_list_issued_at"] as Long).toULong(), (fixture["trust_list_expires"] as Long?)?.toULong(), root)
    val wallet = Wallet.fromEd25519Seed(demoSeed(fixture["holder_label"] as String))

    fun verifier() = Verifier(trustList, root.publicKeySpki())
    /** Default policy; the demo has no status lists, so lenient. */
    fun policy(at: ULong = now + 5u) = defaultPolicy(at).also { it.status = StatusMode.LENIENT }

    fun add(member: Map<String, Any?>): UInt {
        val issuer = issuers[(member["authority"] as Long).toInt()]
        return wallet.add(issuer.issue(member["claims_json"] as String, wallet.holderKey(), now - 3600u))
    }

    fun addPortraitIdCard(): UInt {
        val portrait = Base64.getEncoder().encodeToString(face)
        val claims = """{"type": "cn.resident-id-card", "license_number": "370102199003070016",
            "valid_from": "2020-05-12", "valid_until": "2040-05-12",
            "fields": {"name": "张三", "sex": "男", "ethnicity": "汉族", "birth_date": "1990-03-07",
            "address": "山东省济南市历下区泉城路180号", "id_number": "370102199003070016",
            "authority": "济南市公安局历下分局", "portrait": "$portrait"}}"""
        return wallet.add(issuers.last().issue(claims, wallet.holderKey(), now - 3600u))
    }

    fun bundle(permits: List<Any?>): AnimatedCode {
        val shown = listOf("uscc", "name")
        val members = listOf(BundleMemberChoice(add(fixture["business"].obj()), shown)) +
            permits.map { BundleMemberChoice(add(it.obj()), shown) }
        return wallet.presentBundle(members, now)
    }
}

/**
 * Pushes `frames` one by one (after each, a frame of `other` if given) until complete, checking
 * progress on the way. Returns the progress records of the own frames.
 */
fun feed(a: FrameAssembler, frames: List<String>, other: List<String>? = null): List<FrameProgress> {
    var seen = 0u
    val records = mutableListOf<FrameProgress>()
    for ((n, text) in frames.withIndex()) {
        val p = a.push(text)
        records += p
        if (p.complete) {
            expectEqual(FrameStatus.COMPLETE, p.status, "status of the completing frame")
            expectEqual(100.toUByte(), p.percent, "percent when complete")
            expectEqual(seen + 1u, p.framesSeen, "frames seen when complete")
            check("完成" in p.messageZh && "complete" in p.messageEn) { "completion message: ${p.messageEn}" }
            return records
        }
        expectEqual(FrameStatus.ACCEPTED, p.status, "status of frame $n (${p.problem?.code})")
        expectEqual(seen + 1u, p.framesSeen, "frames seen")
        check(p.percent < 100u) { "percent ${p.percent} before completion" }
        seen = p.framesSeen
        if (other != null) {
            // Locked onto the first code seen: the other presentation's frames are ignored.
            val o = a.push(other[n % other.size])
            expectEqual(FrameStatus.OTHER_CODE, o.status, "status of a frame of another code")
            expectEqual(seen, o.framesSeen, "frames seen after a foreign frame")
            check(!o.complete && o.problem == null) { "foreign frame: $o" }
        }
    }
    throw TestFailure("not complete after ${frames.size} frames")
}

fun refusal(p: FrameProgress): String {
    expectEqual(FrameStatus.REJECTED, p.status, "status of a bad frame")
    val problem = p.problem ?: throw TestFailure("rejected frame without a problem")
    check(!p.complete && problem.messageZh.isNotEmpty() && problem.messageEn.isNotEmpty()) { "refusal: $p" }
    check(p.messageEn.startsWith("frame refused: ")) { p.messageEn }
    return problem.code
}

fun assembleBundle(frames: List<String>, seed: Int): AssembledCode {
    val a = FrameAssembler()
    feed(a, lossyShuffle(frames, seed))
    val result = a.result() ?: throw TestFailure("complete but no result")
    expectEqual(CodeKind.BUNDLE, result.kind, "assembled kind")
    return result
}

private fun sha256hex(b: ByteArray) = MessageDigest.getInstance("SHA-256").digest(b).joinToString("") { "%02x".format(it) }

private fun checkReport(r: VerificationReport, want: Map<String, Any?>, where: String) {
    expectEqual(want["verdict"], r.verdict.name.lowercase(), "$where verdict (${r.summary})")
    expectEqual(want["failing_check"], r.failingCheck, "$where failing check")
    expectEqual(want["error_code"], r.problem?.code, "$where error code")
    expectEqual(want["fields"].arr().map { it.obj()["key"] to it.obj()["value"] }, r.fields.map { it.key to it.valueZh }, "$where fields")
    expectEqual(want["images"].arr().map { val i = it.obj(); listOf(i["key"], i["media_type"], i["width"], i["height"], i["sha256"]) },
        r.images.map { listOf(it.key, it.mediaType, it.width.toLong(), it.height.toLong(), sha256hex(it.bytes)) }, "$where images")
}

/** One test-vectors/multiframe case, run as test-vectors/README.md says ("Multi-frame vectors"). */
fun runMultiframeCase(file: File) {
    val json = JsonReader(file.readText(Charsets.UTF_8)).parse().obj()
    expectEqual("liangzheng-frames-vector", json["format"], "format")
    val input = json["input"].obj()
    val expected = json["expected"].obj()
    val root = b64((input["root_public_key_spki"] ?: input["root_public_key"]) as String)
    val verifier = Verifier(b64(input["trust_list"] as String), root)
    for (t in input["status_lists"].arr()) verifier.addStatusList(b64(t as String))
    check(input["request"] == null) { "multi-frame cases carry no request" }
    val p = input["policy"].obj()
    val policy = VerifyPolicy(
        now = (input["now"] as Long).toULong(),
        status = if (p["status"] == "lenient") StatusMode.LENIENT else StatusMode.STRICT,
        skewSecs = (p["skew_secs"] as Long).toULong(),
        maxPresentationAgeSecs = (p["max_presentation_age_secs"] as Long).toULong(),
        requireHolderBinding = p["require_holder_binding"] as Boolean,
        acceptedTypes = p["accepted_types"]?.arr()?.map { it as String },
    )
    val a = FrameAssembler()
    val statuses = mutableListOf<String>()
    for (text in input["frames"].arr()) {
        val pr = a.push(text as String)
        statuses += if (pr.status == FrameStatus.REJECTED) pr.problem!!.code else pr.status.name.lowercase()
        if (pr.status == FrameStatus.COMPLETE) break
    }
    expectEqual(expected["statuses"], statuses, "frame statuses")
    val result = a.result()
    if (expected["assembly"] == "incomplete") { check(result == null) { "assembled, expected incomplete" }; return }
    result ?: throw TestFailure("not assembled")
    expectEqual(expected["kind"], result.kind.name.lowercase(), "kind")
    when (val r = verifier.verifyAssembled(result, policy)) {
        is AssembledReport.Presentation -> checkReport(r.report, expected["presentation"].obj(), "presentation")
        is AssembledReport.Bundle -> {
            val b = r.report
            val want = expected["bundle"].obj()
            expectEqual(want["verdict"], b.verdict.name.lowercase(), "bundle verdict (${b.summary})")
            expectEqual(listOf(want["holder_signed"], want["subject_code"], want["subject_name"]),
                listOf(b.holderSigned, b.subjectCode, b.subjectName), "bundle facts")
            expectEqual(want["problems"].arr().map { it.obj()["code"] to it.obj()["index"] },
                b.problems.map { it.code to it.memberIndex?.toLong() }, "bundle problems")
            val members = want["members"].arr().map { it.obj() }
            expectEqual(members.size, b.members.size, "members")
            for ((m, w) in b.members.zip(members)) {
                expectEqual(listOf(w["index"], w["verdict"], w["same_subject"]),
                    listOf(m.index.toLong(), m.verdict.name.lowercase(), m.sameSubject), "member ${m.index}")
                checkReport(m.report, w["report"].obj(), "member ${m.index}")
            }
        }
    }
}

fun frameTests(root: File): List<Pair<String, () -> Unit>> {
    val demo by lazy { FrameDemo(root) }
    val multiframe = (root.resolve("test-vectors/multiframe").listFiles() ?: emptyArray())
        .filter { it.name.endsWith(".json") }.sortedBy { it.name }
    return multiframe.map { f -> "multi-frame vector ${f.nameWithoutExtension}" to { runMultiframeCase(f) } } + listOf(
        "multi-frame vectors are present" to { check(multiframe.size >= 20) { "only ${multiframe.size} multi-frame vectors" } },
        "frames one by one: portrait, 30% lost, shuffled, interleaved with another presentation" to {
            val i = demo.addPortraitIdCard()
            val code = demo.wallet.presentFrames(i, listOf("name", "portrait"), demo.now)
            expectEqual(Triple(10.toUByte(), 179.toUShort(), 10.toUByte()), Triple(code.fps, code.symbolSize, code.qrVersion), "fps, symbol size, QR version")
            check(code.sourceFrames >= 12u) { "a 2 KB portrait in ${code.sourceFrames} frames" }
            expectEqual(2 * code.sourceFrames.toInt(), code.frames.size, "frames per loop")
            val other = demo.wallet.presentFrames(i, listOf("id_number", "portrait"), demo.now).frames
            val kept = lossyShuffle(code.frames, 14)
            check(kept.size < code.frames.size) { "nothing dropped" }
            val a = FrameAssembler()
            check(a.result() == null) { "result before any frame" }
            val records = feed(a, kept, other)
            val percents = records.map { it.percent }
            expectEqual(percents.sorted(), percents, "progress never goes back")
            check(records.all { it.framesNeeded == code.sourceFrames }) { "frames needed is K" }
            expectEqual(CodeKind.PRESENTATION, records.last().kind, "kind")
            expectEqual(FrameStatus.ALREADY_COMPLETE, a.push(kept[0]).status, "a later frame of the same code")
            val result = a.result() ?: throw TestFailure("no result")
            val assembled = demo.verifier().verifyAssembled(result, demo.policy())
            val report = (assembled as? AssembledReport.Presentation)?.report ?: throw TestFailure("not a presentation: $assembled")
            expectEqual(Verdict.VALID, report.verdict, "verdict (${report.summary})")
            expectEqual(listOf("name", "portrait"), report.fields.map { it.key }, "fields")
            expectEqual(1, report.images.size, "images")
            val image = report.images[0]
            check(image.bytes.contentEquals(demo.face)) { "portrait bytes differ from synthetic-face.jpg" }
            expectEqual(listOf("portrait", "image/jpeg", "照片"), listOf(image.key, image.mediaType, image.labelZh), "image facts")
            expectEqual(102.toUShort() to 126.toUShort(), image.width to image.height, "portrait size")
            a.reset()
            check(a.result() == null) { "result after reset" }
            feed(a, lossyShuffle(other, 15))
            val second = (demo.verifier().verifyAssembled(a.result()!!, demo.policy()) as AssembledReport.Presentation).report
            expectEqual(listOf("id_number", "portrait"), second.fields.map { it.key }, "second holder's fields")
        },
        "frames: empty, not a frame, truncated, bad Base45, too long, duplicate, conflicting" to {
            val code = demo.wallet.presentFrames(demo.addPortraitIdCard(), listOf("name", "portrait"), demo.now)
            val a = FrameAssembler()
            expectEqual("empty", refusal(a.push("")), "empty text")
            expectEqual("not_a_frame", refusal(a.push("LZ1P:%69 VD92EX0")), "a single-symbol code")
            val frame = code.frames[3]
            expectEqual("truncated", refusal(a.push(frame.dropLast(3))), "one Base45 group cut off")
            expectEqual("truncated", refusal(a.push(frame.take(20))), "shorter than the header")
            expectEqual("bad_base45", refusal(a.push(frame.dropLast(2))), "a lone Base45 character")
            expectEqual("too_long", refusal(a.push("LZ1F:" + "A".repeat(4297))), "longer than any QR code")
            expectEqual(FrameStatus.ACCEPTED, a.push(frame).status, "the honest frame")
            expectEqual(FrameStatus.DUPLICATE, a.push(frame).status, "the same frame again")
            expectEqual("conflicting_frame", refusal(a.push(forge(frame))), "same index, other bytes")
            val next = a.push(code.frames[4])
            expectEqual(FrameStatus.ACCEPTED to 2u, next.status to next.framesSeen, "assembly goes on")
        },
        "a forged frame is refused after decoding (hash_mismatch), then the honest loop assembles" to {
            val code = demo.wallet.presentFrames(demo.addPortraitIdCard(), listOf("name", "portrait"), demo.now)
            val k = code.sourceFrames.toInt()
            val a = FrameAssembler()
            expectEqual(FrameStatus.ACCEPTED, a.push(forge(code.frames[0])).status, "the forged frame's header is fine")
            for (t in code.frames.subList(1, k - 1)) expectEqual(FrameStatus.ACCEPTED, a.push(t).status, "honest frame")
            val last = a.push(code.frames[k - 1])
            expectEqual("hash_mismatch", refusal(last), "K frames with one forged")
            expectEqual(Triple(0u, 0u, 0.toUByte()), Triple(last.framesSeen, last.framesNeeded, last.percent), "started over")
            check(a.result() == null) { "a result from forged frames" }
            feed(a, lossyShuffle(code.frames, 16))
            val report = (demo.verifier().verifyAssembled(a.result()!!, demo.policy()) as AssembledReport.Presentation).report
            expectEqual(Verdict.VALID, report.verdict, "verdict after the honest loop")
            check(report.images[0].bytes.contentEquals(demo.face)) { "portrait bytes" }
        },
        "a counter scan of an assembled presentation is remembered (already_verified)" to {
            val code = demo.wallet.presentFrames(demo.addPortraitIdCard(), listOf("name", "portrait"), demo.now)
            val a = FrameAssembler()
            feed(a, lossyShuffle(code.frames, 20))
            val v = demo.verifier()
            val first = (v.verifyAssembledScan(a.result()!!, demo.policy()) as AssembledReport.Presentation).report
            expectEqual(Verdict.VALID, first.verdict, "first scan (${first.summary})")
            a.reset()
            feed(a, lossyShuffle(code.frames, 21))
            val again = (v.verifyAssembledScan(a.result()!!, demo.policy(demo.now + 10u)) as AssembledReport.Presentation).report
            expectEqual(Verdict.INDETERMINATE, again.verdict, "second scan")
            expectEqual("already_verified", again.problem?.code, "second scan's problem")
            val stateless = (v.verifyAssembled(a.result()!!, demo.policy(demo.now + 10u)) as AssembledReport.Presentation).report
            expectEqual(Verdict.VALID, stateless.verdict, "verifyAssembled keeps no memory")
        },
        "一照通: business license + 12 permits over lossy frames, 13 valid member verdicts" to {
            val permits = demo.fixture["permits"].arr()
            expectEqual(12, permits.size, "permits in the fixture")
            val code = demo.bundle(permits)
            check(code.sourceFrames >= 10u) { "bundle in ${code.sourceFrames} frames" }
            val assembled = demo.verifier().verifyAssembled(assembleBundle(code.frames, 17), demo.policy())
            val b = (assembled as? AssembledReport.Bundle)?.report ?: throw TestFailure("not a bundle: $assembled")
            expectEqual(Verdict.VALID, b.verdict, "overall verdict (${b.summary})")
            expectEqual("有效" to "valid", b.verdictZh to b.verdictEn, "verdict texts")
            expectEqual(demo.fixture["subject_uscc"], b.subjectCode, "subject")
            expectEqual("杭州示例酒店管理有限公司", b.subjectName, "subject name")
            check(b.holderSigned && b.problems.isEmpty() && "13/13" in b.summary) { b.summary }
            expectEqual((0u until 13u).toList(), b.members.map { it.index }, "member order")
            expectEqual(List(13) { Verdict.VALID }, b.members.map { it.verdict }, "member verdicts")
            check(b.members.all { it.sameSubject == true }) { "a member not of the subject" }
            expectEqual(listOf("W902") + List(5) { "W911" } + List(5) { "W912" } + List(2) { "W913" },
                b.members.map { it.report.license!!.typeCode.takeLast(4) }, "member types")
            expectEqual(setOf("杭州市市场监督管理局", "杭州市卫生健康委员会", "杭州市公安局"),
                b.members.map { it.report.license!!.issuerZh }.toSet(), "issuing departments")
            for (m in b.members) {
                expectEqual(Verdict.VALID, m.report.verdict, "member ${m.index} report")
                expectEqual("uscc" to demo.fixture["subject_uscc"], m.report.fields[0].key to m.report.fields[0].valueZh, "member ${m.index} subject")
                val f = m.report.findings.first { it.code == "status_not_checked" }
                check(f.messageZh.isNotEmpty() && f.messageEn.isNotEmpty()) { "finding text" }
            }
        },
        "一照通: a permit of another company makes the bundle invalid (subject_mismatch)" to {
            val permits = demo.fixture["permits"].arr().take(3) + listOf(demo.fixture["other_company_permit"])
            val code = demo.bundle(permits)
            val b = (demo.verifier().verifyAssembled(assembleBundle(code.frames, 18), demo.policy()) as AssembledReport.Bundle).report
            expectEqual(Verdict.INVALID, b.verdict, "overall verdict")
            expectEqual(List(4) { Verdict.VALID } + Verdict.INVALID, b.members.map { it.verdict }, "member verdicts")
            val stray = b.members[4]
            check(stray.report.verdict == Verdict.VALID && stray.sameSubject == false) { "the stray permit: $stray" }
            expectEqual(listOf("subject_mismatch" to 4u), b.problems.map { it.code to it.memberIndex }, "bundle problems")
            check("另一市场主体" in b.problems[0].messageZh && "another entity" in b.problems[0].messageEn) { "problem text" }
        },
    )
}
