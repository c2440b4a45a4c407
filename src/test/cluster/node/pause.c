/* The real node's pod sandbox ("pause") image: holds the pod's namespaces, reaps orphans, exits on SIGINT/SIGTERM.
 * Built static by images.sh (gcc -static), so the image is this one file. */
#include <signal.h>
#include <stddef.h>
#include <sys/wait.h>
#include <unistd.h>

static void stop(int sig) { _exit(0); }

static void reap(int sig) {
    while (waitpid(-1, NULL, WNOHANG) > 0) {
    }
}

int main(void) {
    if (getpid() != 1) {
        write(2, "pause: should be PID 1\n", 23);
    }
    signal(SIGINT, stop);
    signal(SIGTERM, stop);
    signal(SIGCHLD, reap);
    for (;;) {
        pause();
    }
}
