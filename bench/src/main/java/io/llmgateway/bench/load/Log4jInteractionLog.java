package io.llmgateway.bench.load;

import static java.util.Objects.requireNonNull;

import io.llmgateway.observe.InteractionJson;
import io.llmgateway.observe.RequestObserver;
import io.llmgateway.observe.RequestRecord;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AsyncAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.TimeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.action.Action;
import org.apache.logging.log4j.core.appender.rolling.action.DeleteAction;
import org.apache.logging.log4j.core.appender.rolling.action.Duration;
import org.apache.logging.log4j.core.appender.rolling.action.IfFileName;
import org.apache.logging.log4j.core.appender.rolling.action.IfLastModified;
import org.apache.logging.log4j.core.appender.rolling.action.PathCondition;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.AbstractLayout;
import org.apache.logging.log4j.core.layout.ByteBufferDestination;
import org.apache.logging.log4j.message.AsynchronouslyFormattable;
import org.apache.logging.log4j.message.Message;

/**
 * agent_interactions.log written by log4j2 instead of the gateway's own writer, for the comparison of
 * InteractionLogCpu: a dedicated logger (no additivity) whose asynchronous appender (bounded queue, not
 * blocking: a full queue drops the record) feeds a RollingFile appender (daily and size rolling, gzip at the
 * fastest level, a Delete action for the retention), with a layout that writes each record with the gateway's
 * {@link InteractionJson} into log4j2's buffer: every line is byte for byte the gateway writer's line.
 */
public final class Log4jInteractionLog implements RequestObserver, AutoCloseable {
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String FILE_NAME = "agent_interactions";

    private final LoggerContext context;
    private final String name;
    private final AsyncAppender async;
    private final RollingFileAppender file;
    private final Logger logger;

    public Log4jInteractionLog(Path directory, int queueSize, long maxFileBytes, int retentionDays) {
        requireNonNull(directory, "directory");
        context = (LoggerContext) LogManager.getContext(false);
        Configuration config = context.getConfiguration();
        name = "interactions-" + INSTANCES.incrementAndGet();
        String dir = directory.toString();
        Action delete = DeleteAction.createDeleteAction(
                dir,
                false,
                1,
                false,
                null,
                new PathCondition[] {
                    IfFileName.createNameCondition(FILE_NAME + "-*.log.gz", null),
                    IfLastModified.createAgeCondition(Duration.parse(retentionDays + "d"))
                },
                null,
                config);
        file = RollingFileAppender.newBuilder()
                .setName(name + "-file")
                .setFileName(dir + "/" + FILE_NAME + ".log")
                .setFilePattern(dir + "/" + FILE_NAME + "-%d{yyyy-MM-dd}-%i.log.gz")
                .setPolicy(CompositeTriggeringPolicy.createPolicy(
                        TimeBasedTriggeringPolicy.newBuilder().build(),
                        SizeBasedTriggeringPolicy.createPolicy(Long.toString(maxFileBytes))))
                .setStrategy(DefaultRolloverStrategy.newBuilder()
                        .setMax("10000")
                        .setCompressionLevelStr("1")
                        .setCustomActions(new Action[] {delete})
                        .setConfig(config)
                        .build())
                .setLayout(new Layout())
                .setCreateOnDemand(true)
                .setImmediateFlush(false) // flushed at the end of each batch the queue hands over
                .setBufferedIo(true)
                .setBufferSize(64 * 1024)
                .setIgnoreExceptions(false)
                .setConfiguration(config)
                .build();
        file.start();
        config.addAppender(file);
        async = AsyncAppender.newBuilder()
                .setName(name)
                .setAppenderRefs(new AppenderRef[] {AppenderRef.createAppenderRef(name + "-file", null, null)})
                .setBlocking(false)
                .setBufferSize(queueSize)
                .setConfiguration(config)
                .build();
        async.start();
        config.addAppender(async);
        LoggerConfig loggerConfig = LoggerConfig.newBuilder()
                .withLoggerName(name)
                .withLevel(Level.INFO)
                .withAdditivity(false)
                .withConfig(config)
                .build();
        loggerConfig.addAppender(async, null, null);
        config.addLogger(name, loggerConfig);
        context.updateLoggers();
        logger = context.getLogger(name);
    }

    @Override
    public void onComplete(RequestRecord record) {
        logger.info(new RecordMessage(record));
    }

    /** Records waiting for the writer. */
    public int queued() {
        return async.getQueueCapacity() - async.getQueueRemainingCapacity();
    }

    @Override
    public void close() {
        Configuration config = context.getConfiguration();
        config.removeLogger(name);
        context.updateLoggers();
        async.stop(2, TimeUnit.SECONDS);
        file.stop(2, TimeUnit.SECONDS);
    }

    /** A record as the message of a log event; formatted only by the layout, on the writer thread. */
    @AsynchronouslyFormattable
    static final class RecordMessage implements Message {
        private static final long serialVersionUID = 1L;
        final transient RequestRecord record;

        RecordMessage(RequestRecord record) {
            this.record = record;
        }

        @Override
        public String getFormattedMessage() {
            return record.requestId();
        }

        @Override
        public String getFormat() {
            return "";
        }

        @Override
        public Object[] getParameters() {
            return null;
        }

        @Override
        public Throwable getThrowable() {
            return null;
        }
    }

    /** The gateway's line, written straight into the appender's buffer. */
    static final class Layout extends AbstractLayout<byte[]> {
        private final InteractionJson json = new InteractionJson();
        private ByteBufferDestination destination;
        private final OutputStream into = new OutputStream() {
            @Override
            public void write(int b) {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                destination.writeBytes(b, off, len);
            }
        };

        Layout() {
            super(null, null, null);
        }

        @Override
        public synchronized void encode(LogEvent event, ByteBufferDestination destination) {
            this.destination = destination;
            try {
                json.format(((RecordMessage) event.getMessage()).record).writeTo(into);
            } catch (java.io.IOException e) {
                throw new IllegalStateException(e); // the destination throws no checked exception
            } finally {
                this.destination = null;
            }
        }

        @Override
        public synchronized byte[] toByteArray(LogEvent event) {
            return json.format(((RecordMessage) event.getMessage()).record).toByteArray();
        }

        @Override
        public byte[] toSerializable(LogEvent event) {
            return toByteArray(event);
        }

        @Override
        public String getContentType() {
            return "application/x-ndjson; charset=" + StandardCharsets.UTF_8.name();
        }

        @Override
        public Map<String, String> getContentFormat() {
            return Map.of();
        }
    }
}
