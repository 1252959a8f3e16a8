package io.ballast.core.balance.hash;

import static org.assertj.core.api.Assertions.assertThat;

import io.ballast.core.balance.HashOn;
import io.ballast.core.balance.Pools.FakeRequest;
import io.ballast.core.time.Randoms;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XxHash64Test {

  private static long bytes(String s) {
    return XxHash64.hash(s.getBytes(StandardCharsets.ISO_8859_1), 0);
  }

  @Test
  void knownVectors() {
    // Reference values from xxhsum -H1 (the xxHash project's own tool).
    assertThat(bytes("")).isEqualTo(0xEF46DB3751D8E999L);
    assertThat(bytes("a")).isEqualTo(0xD24EC4F1A98C6E5BL);
    assertThat(bytes("abc")).isEqualTo(0x44BC2CF5AD770999L);
    assertThat(bytes("message digest")).isEqualTo(0x066ED728FCEEB3BEL);
    assertThat(bytes("Nobody inspects the spammish repetition")).isEqualTo(0xFBCEA83C8A378BF1L);
    assertThat(bytes("The quick brown fox jumps over the lazy dog")).isEqualTo(0x0B242D361FDA71BCL);
    assertThat(
            bytes(
                "12345678901234567890123456789012345678901234567890123456789012345678901234567890"))
        .isEqualTo(0xE04A477F19EE145DL);
  }

  @Test
  void charsHashAsUtf16LittleEndianBytes() {
    String unicode = "héllo wörld, ünïcode 日本";
    assertThat(XxHash64.hash(unicode, 0)).isEqualTo(0xCA7DC9CDD2845F07L);
    for (int len = 0; len < 70; len++) {
      String s = "x".repeat(len / 2) + "é".repeat(len - len / 2);
      for (long seed : new long[] {0, 1, -7, 0x1234567890L}) {
        assertThat(XxHash64.hash(s, seed))
            .as("length %d seed %d", len, seed)
            .isEqualTo(XxHash64.hash(s.getBytes(StandardCharsets.UTF_16LE), seed));
      }
    }
  }

  @Test
  void intAndLongHashAsTheirLittleEndianBytes() {
    assertThat(XxHash64.hashInt(0x0A000001, 0))
        .isEqualTo(XxHash64.hash(new byte[] {1, 0, 0, 10}, 0))
        .isEqualTo(0x4F2018CC4CD9EAF9L);
    long v = 0x0123456789ABCDEFL;
    byte[] b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
    assertThat(XxHash64.hashLong(v, 42)).isEqualTo(XxHash64.hash(b, 42));
  }

  @Test
  void requestHasherUsesTheKeyAndFallsBackToTheClientAddress() throws Exception {
    var random = Randoms.seeded(1);
    RequestHasher byIp = new RequestHasher(null);
    assertThat(byIp.hashOn()).isEqualTo(HashOn.SOURCE_IP);
    long a = byIp.hash(FakeRequest.from("10.1.2.3"), random);
    assertThat(byIp.hash(FakeRequest.from("10.1.2.3"), random)).isEqualTo(a);
    assertThat(byIp.hash(FakeRequest.from("10.1.2.4"), random)).isNotEqualTo(a);
    assertThat(a).isEqualTo(RequestHasher.hashAddress(InetAddress.getByName("10.1.2.3")));

    RequestHasher byHeader = new RequestHasher(HashOn.parse("header:X-User"));
    long alice = byHeader.hash(FakeRequest.withHeader("X-User", "alice"), random);
    assertThat(alice).isEqualTo(RequestHasher.hashKey("alice"));
    // No header: the client address is the key.
    assertThat(byHeader.hash(FakeRequest.withHeader("Other", "x"), random))
        .isEqualTo(RequestHasher.hashAddress(InetAddress.getByName("10.0.0.1")));
  }
}
