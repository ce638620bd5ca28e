package dev.coreset.jobs.ml;

import dev.coreset.schemas.CoresetInputException;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.ml.param.Params;
import scala.runtime.AbstractFunction1;

/**
 * Param validators for the Spark ML stages. Spark checks a value when it is set (and when a saved stage is
 * loaded); a bad one throws {@link CoresetInputException} with one line naming the stage, the param and the fix,
 * instead of Spark's generic "given invalid value".
 */
final class ParamRules {
    private ParamRules() {
    }

    /** A validator: {@code ok} or throw "{owner} {param} {value} {problemAndFix}". */
    static <T> Rule<T> rule(String owner, String param, Check<T> ok, String problemAndFix) {
        return new Rule<>(owner, param, ok, problemAndFix);
    }

    static Rule<String> oneOf(String owner, String param, List<String> allowed) {
        return rule(owner, param, allowed::contains, "is unknown; use one of " + String.join(", ", allowed) + ".");
    }

    /**
     * The same error with the stage's CLI option names turned into its param names ({@code --per-class} ->
     * {@code perClass}): the shared job code words its messages for the command line, and the stages' params carry
     * the same names. Options that are not params of the stage ("the --out of `coreset train`") stay as they are.
     */
    static CoresetInputException inParamNames(CoresetInputException e, Params stage) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("--([a-z]+(?:-[a-z]+)*)").matcher(e.getMessage());
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String[] words = m.group(1).split("-");
            StringBuilder camel = new StringBuilder(words[0]);
            for (int i = 1; i < words.length; i++) {
                camel.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
            }
            m.appendReplacement(out, stage.hasParam(camel.toString()) ? camel.toString() : m.group());
        }
        m.appendTail(out);
        return new CoresetInputException(out.toString(), e);
    }

    /** Serializable, because Spark ML params are (a stage may travel inside a closure). */
    static final class Rule<T> extends AbstractFunction1<T, Object> implements Serializable {
        private final String owner;
        private final String param;
        private final Check<T> ok;
        private final String problemAndFix;

        private Rule(String owner, String param, Check<T> ok, String problemAndFix) {
            this.owner = owner;
            this.param = param;
            this.ok = ok;
            this.problemAndFix = problemAndFix;
        }

        @Override
        public Object apply(T value) {
            if (value == null || !ok.test(value)) {
                throw new CoresetInputException(owner + " " + param + " " + value + " " + problemAndFix);
            }
            return Boolean.TRUE;
        }
    }

    /** A serializable test of one value. */
    interface Check<T> extends Serializable {
        boolean test(T value);
    }
}
