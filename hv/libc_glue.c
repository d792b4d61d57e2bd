/*
 * hv/libc_glue.c — the system calls newlib expects, for a hypervisor that
 * has no files and no heap: only formatting and string functions of newlib
 * are used. Anything that would need more fails with an error code.
 */
#include <errno.h>
#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#undef errno
extern int errno;

void *sbrk(ptrdiff_t incr);
int write(int fd, const void *buf, size_t len);
int read(int fd, void *buf, size_t len);
int close(int fd);
int fstat(int fd, struct stat *st);
int isatty(int fd);
off_t lseek(int fd, off_t off, int whence);
int kill(int pid, int sig);
int getpid(void);
void _exit(int status);

void *sbrk(ptrdiff_t incr)
{
	(void)incr;
	errno = ENOMEM;
	return (void *)-1;
}

int write(int fd, const void *buf, size_t len)
{
	(void)fd; (void)buf; (void)len;
	errno = EBADF;
	return -1;
}

int read(int fd, void *buf, size_t len)
{
	(void)fd; (void)buf; (void)len;
	errno = EBADF;
	return -1;
}

int close(int fd)
{
	(void)fd;
	errno = EBADF;
	return -1;
}

int fstat(int fd, struct stat *st)
{
	(void)fd; (void)st;
	errno = EBADF;
	return -1;
}

int isatty(int fd)
{
	(void)fd;
	return 0;
}

off_t lseek(int fd, off_t off, int whence)
{
	(void)fd; (void)off; (void)whence;
	errno = ESPIPE;
	return -1;
}

int kill(int pid, int sig)
{
	(void)pid; (void)sig;
	errno = EINVAL;
	return -1;
}

int getpid(void)
{
	return 1;
}

void _exit(int status)
{
	(void)status;
	for (;;)
		__asm__ __volatile__("cli; hlt");
}
