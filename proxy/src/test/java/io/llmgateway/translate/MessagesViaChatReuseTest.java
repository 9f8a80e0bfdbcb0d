package io.llmgateway.translate;

import static io.llmgateway.translate.MessagesViaChatStreamTapTest.DONE;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.ROLE;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.content;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.finish;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.run;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.tap;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.toolArgs;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.toolStart;
import static io.llmgateway.translate.MessagesViaChatStreamTapTest.usage;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmgateway.protocol.BadRequestException;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The parsers and generators that one stream, answer or request leaves to the next one on the same thread:
 * whatever the first one did (ended cleanly, failed, was cut off, was refused half-written), the next one's
 * output is exactly what it is on its own.
 */
class MessagesViaChatReuseTest {
    private static final String TEXT =
            ROLE + content("Hello") + content(" world") + finish("stop") + usage(19, 10, 0) + DONE;

    @Test
    void streamAfterStreamsThatEndedEveryWay_translatesAsOnItsOwn() {
        String alone = run(TEXT);
        List<String> before = List.of(
                TEXT, // ended cleanly: its parser and generator go to the next stream
                ROLE + "data: {\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}\n\n", // an error event
                ROLE + "data: {\"choices\":[]} {\"x\":1}\n\n" + content("a"), // malformed, then cut off
                ROLE + content("half") + "data: {\"choices\":[{\"delta\":{\"content\":\"x", // released mid-event
                ROLE + toolStart(0, "call_1", "f") + toolArgs(0, "{\"a\":"), // released inside a tool call
                "");
        for (String first : before) {
            MessagesViaChatStreamTap tap = tap();
            try {
                run(tap, first);
            } finally {
                tap.release();
            }
            assertEquals(alone, run(TEXT), "after: " + first);
        }
        MessagesViaChatStreamTap cut = tap(); // released without its end, as when the client goes away
        cut.onChunk(PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes((ROLE + content("a")).getBytes(UTF_8)))
                .release();
        cut.release();
        assertEquals(alone, run(TEXT));
    }

    @Test
    void requestAfterARequestRefusedHalfWritten_isExactlyItsOwn() throws BadRequestException {
        String ok = "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'}]}";
        String alone = MessagesViaChatRequestTest.translate(ok, "gpt-4.1");
        // refused while its messages are written: the first one is out already
        String refused = "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},"
                + "{'role':'bogus','content':'x'}]}";
        assertThrows(BadRequestException.class, () -> MessagesViaChatRequestTest.translate(refused, "gpt-4.1"));
        assertEquals(alone, MessagesViaChatRequestTest.translate(ok, "gpt-4.1"));
        assertEquals(alone, MessagesViaChatRequestTest.translate(ok, "gpt-4.1"));
    }

    @Test
    void answerAfterARefusedRequest_isExactlyItsOwn() throws BadRequestException {
        String answer = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4.1\",\"choices\":"
                + "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris.\"},"
                + "\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,"
                + "\"total_tokens\":5}}";
        String alone = answer(answer);
        String refused = "{'model':'m','max_tokens':5,'messages':[{'role':'user','content':'hi'},"
                + "{'role':'bogus','content':'x'}]}";
        assertThrows(BadRequestException.class, () -> MessagesViaChatRequestTest.translate(refused, "gpt-4.1"));
        assertEquals(alone, answer(answer));
    }

    private static String answer(String json) {
        MessagesViaChatJsonTap tap = new MessagesViaChatJsonTap("claude-sonnet");
        ByteBuf in = PooledByteBufAllocator.DEFAULT.directBuffer().writeBytes(json.getBytes(UTF_8));
        tap.onChunk(in).release();
        ByteBuf out = tap.onEnd();
        try {
            return out.toString(UTF_8);
        } finally {
            out.release();
            tap.release();
        }
    }
}
