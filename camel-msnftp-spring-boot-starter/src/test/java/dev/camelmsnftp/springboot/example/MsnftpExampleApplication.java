package dev.camelmsnftp.springboot.example;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The Spring Boot example: alice's outbox folder is sent to bob over msnftp, bob's files land in his inbox folder,
 * both users in one application on loopback. The routes are in {@link ExampleRoutes}; every msnftp setting comes from
 * {@code application.properties} ({@code camel.component.msnftp.*}, applied by the starter).
 */
@SpringBootApplication
public class MsnftpExampleApplication {

    public static void main(String[] args) {
        SpringApplication.run(MsnftpExampleApplication.class, args);
    }
}
