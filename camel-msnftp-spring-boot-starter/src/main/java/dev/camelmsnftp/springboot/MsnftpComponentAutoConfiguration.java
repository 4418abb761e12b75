package dev.camelmsnftp.springboot;

import dev.camelmsnftp.component.MsnftpComponent;
import org.apache.camel.Component;
import org.apache.camel.spi.ComponentCustomizer;
import org.apache.camel.spring.boot.CamelAutoConfiguration;
import org.apache.camel.spring.boot.ComponentConfigurationProperties;
import org.apache.camel.spring.boot.util.CamelPropertiesHelper;
import org.apache.camel.spring.boot.util.ConditionalOnCamelContextAndAutoConfigurationBeans;
import org.apache.camel.spring.boot.util.ConditionalOnHierarchicalProperties;
import org.apache.camel.spring.boot.util.HierarchicalPropertiesEvaluator;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Lazy;

/**
 * Applies the {@code camel.component.msnftp.*} properties to the {@code msnftp} component when Camel creates it, the
 * way camel-spring-boot's own starters do: a {@link ComponentCustomizer} that copies the non-null properties of
 * {@link MsnftpComponentConfiguration} onto the component. {@code camel.component.msnftp.enabled=false} or
 * {@code camel.component.msnftp.customizer.enabled=false} turn it off.
 */
@AutoConfiguration(after = CamelAutoConfiguration.class)
@Conditional(ConditionalOnCamelContextAndAutoConfigurationBeans.class)
@EnableConfigurationProperties({ ComponentConfigurationProperties.class, MsnftpComponentConfiguration.class })
@ConditionalOnHierarchicalProperties({ "camel.component", "camel.component.msnftp" })
public class MsnftpComponentAutoConfiguration {

    private final ApplicationContext applicationContext;
    private final MsnftpComponentConfiguration configuration;

    public MsnftpComponentAutoConfiguration(ApplicationContext applicationContext,
                                            MsnftpComponentConfiguration configuration) {
        this.applicationContext = applicationContext;
        this.configuration = configuration;
    }

    @Lazy
    @Bean
    public ComponentCustomizer configureMsnftpComponent() {
        return new ComponentCustomizer() {
            @Override
            public void configure(String name, Component target) {
                CamelPropertiesHelper.copyProperties(target.getCamelContext(), configuration, target);
            }

            @Override
            public boolean isEnabled(String name, Component target) {
                return HierarchicalPropertiesEvaluator.evaluate(applicationContext, "camel.component.customizer",
                        "camel.component.msnftp.customizer") && target instanceof MsnftpComponent;
            }
        };
    }
}
