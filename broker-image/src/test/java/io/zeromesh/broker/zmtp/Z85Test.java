package io.zeromesh.broker.zmtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.zeromq.ZMQ;

class Z85Test {
  @Test
  void theRfcExampleAndJeromqAgree() {
    byte[] hello = {(byte) 0x86, 0x4F, (byte) 0xD2, 0x6F, (byte) 0xB5, 0x59, (byte) 0xF7, 0x5B};
    assertEquals("HelloWorld", Z85.encode(hello)); // RFC 32's test vector
    assertArrayEquals(hello, Z85.decode("HelloWorld"));
    Random r = new Random(32);
    for (int i = 0; i < 1000; i++) {
      byte[] key = new byte[32];
      r.nextBytes(key);
      String z = Z85.encode(key);
      assertEquals(ZMQ.Curve.z85Encode(key), z);
      assertArrayEquals(key, Z85.decode(z));
    }
  }

  @Test
  void notZ85IsNull() {
    assertNull(Z85.decode("Hello" + "Worl"), "length");
    assertNull(Z85.decode("Hello~orld"), "a letter outside the alphabet");
    assertNull(Z85.decode("#####"), "above 2^32");
  }
}
