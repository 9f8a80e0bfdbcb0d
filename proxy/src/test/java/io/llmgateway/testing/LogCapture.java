package io.llmgateway.testing;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

/**
 * Collects what one logger writes (the messages as app.log would show them, before the layout) while it is
 * open, at INFO and above whatever the test configuration's level is.
 */
public final class LogCapture implements AutoCloseable {
    private final String loggerName;
    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final List<String> messages = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();
    private final AbstractAppender appender;

    private LogCapture(String loggerName) {
        this.loggerName = loggerName;
        this.appender = new AbstractAppender("capture-" + loggerName, null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                String text = event.getMessage().getFormattedMessage();
                if (event.getThrown() != null) {
                    text += " " + event.getThrown();
                }
                synchronized (messages) {
                    messages.add(text);
                    lines.add(event.getLevel() + " " + text);
                }
            }
        };
    }

    /** Starts collecting the messages of the logger named {@code loggerName} (a class's full name). */
    public static LogCapture of(String loggerName) {
        LogCapture c = new LogCapture(loggerName);
        c.appender.start();
        Configuration config = c.context.getConfiguration();
        LoggerConfig logger = new LoggerConfig(c.loggerName, Level.INFO, false);
        logger.addAppender(c.appender, Level.INFO, null);
        config.addLogger(c.loggerName, logger);
        c.context.updateLoggers();
        return c;
    }

    /** Starts collecting what {@code type} logs. */
    public static LogCapture of(Class<?> type) {
        return of(type.getName());
    }

    /** Every message so far, oldest first. */
    public List<String> messages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }

    /** Every message so far as {@code LEVEL message}, oldest first. */
    public List<String> lines() {
        synchronized (messages) {
            return List.copyOf(lines);
        }
    }

    @Override
    public void close() {
        context.getConfiguration().removeLogger(loggerName);
        context.updateLoggers();
        appender.stop();
    }
}
