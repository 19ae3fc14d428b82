/*
** Fault injection for hvsim, linked in with -Wl,--wrap=SYMBOL (see the
** Makefile's hvsim-faults): every call hvsim's own code makes to an
** allocator or to an output primitive goes through a wrapper here, which
** counts it and, as HVSIM_FAULT asks, fails it the way the system would.
** Calls made inside libraries (libxml2, GSL, libc itself) are not
** wrapped.  tests/faults.sh drives it (docs/testing-robustness.md).
**
**   HVSIM_FAULT=alloc:N   the Nth allocation (malloc, calloc, realloc,
**                         strdup, strndup, getline) fails, ENOMEM; the
**                         others succeed (memory came back)
**   HVSIM_FAULT=io:N      the Nth output operation fails, and every one
**                         after it (the disk is full): fopen and fdopen
**                         for writing, open for writing, write (the Nth
**                         writes half its bytes first: a short write),
**                         fflush and fclose of a stream being written
**                         (fclose still closes it), fsync, rename,
**                         renameat2, mkdir; ENOSPC
**   HVSIM_FAULT_WHERE=1   print the call stack of the failing call on
**                         stderr (addresses; addr2line -e hvsim-faults)
**   HVSIM_FAULT_COUNT=F   at exit (or _exit, a forked child's end), append
**                         "PID ALLOCS IOS" to F: how many of each this
**                         process made (a forked child goes on from its
**                         parent's counts), to size the range of N
*/
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

void *__real_malloc(size_t n);
void *__real_calloc(size_t k, size_t n);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
ssize_t __real_getline(char **line, size_t *cap, FILE *f);
FILE *__real_fopen(const char *path, const char *mode);
FILE *__real_fdopen(int fd, const char *mode);
int __real_open(const char *path, int flags, ...);
ssize_t __real_write(int fd, const void *b, size_t n);
int __real_fflush(FILE *f);
int __real_fclose(FILE *f);
int __real_fsync(int fd);
int __real_rename(const char *a, const char *b);
int __real_renameat2(int da, const char *a, int db, const char *b, unsigned flags);
int __real_mkdir(const char *path, mode_t mode);
void __real__exit(int status);

void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t k, size_t n);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
ssize_t __wrap_getline(char **line, size_t *cap, FILE *f);
FILE *__wrap_fopen(const char *path, const char *mode);
FILE *__wrap_fdopen(int fd, const char *mode);
int __wrap_open(const char *path, int flags, ...);
ssize_t __wrap_write(int fd, const void *b, size_t n);
int __wrap_fflush(FILE *f);
int __wrap_fclose(FILE *f);
int __wrap_fsync(int fd);
int __wrap_rename(const char *a, const char *b);
int __wrap_renameat2(int da, const char *a, int db, const char *b, unsigned flags);
int __wrap_mkdir(const char *path, mode_t mode);
void __wrap__exit(int status);

enum { OFF, ALLOC, IO };
static int mode = -1;
static unsigned long at, allocs, ios;
static const char *count_file;
static int where;

static void show_where(void)
{
	if (!where)
		return;
	void *b[16];
	int n = backtrace(b, 16);
	static const char head[] = "hvsim-faults: the failing call:\n";
	if (__real_write(2, head, sizeof head - 1) < 0)
		return;
	backtrace_symbols_fd(b, n, 2);
}

static void report(void)
{
	if (!count_file)
		return;
	char line[96];
	int n = snprintf(line, sizeof line, "%ld %lu %lu\n", (long)getpid(), allocs, ios);
	int fd = __real_open(count_file, O_WRONLY | O_APPEND | O_CREAT, 0644);
	if (fd >= 0) {
		if (__real_write(fd, line, (size_t)n) < 0)
			(void)0;
		close(fd);
	}
}

static void setup(void)
{
	mode = OFF;
	const char *v = getenv("HVSIM_FAULT");
	if (v && !strncmp(v, "alloc:", 6)) {
		mode = ALLOC;
		at = strtoul(v + 6, NULL, 10);
	} else if (v && !strncmp(v, "io:", 3)) {
		mode = IO;
		at = strtoul(v + 3, NULL, 10);
	}
	where = getenv("HVSIM_FAULT_WHERE") != NULL;
	count_file = getenv("HVSIM_FAULT_COUNT");
	if (count_file && *count_file)
		atexit(report);
	else
		count_file = NULL;
}

/* Count an allocation; 1 if it is to fail. */
static int alloc_fails(void)
{
	if (mode < 0)
		setup();
	allocs++;
	if (mode == ALLOC && allocs == at) {
		show_where();
		errno = ENOMEM;
		return 1;
	}
	return 0;
}

/* Count an output operation; 0 ok, 1 the first to fail, 2 a later one. */
static int io_fails(void)
{
	if (mode < 0)
		setup();
	ios++;
	if (mode == IO && ios >= at) {
		if (ios == at)
			show_where();
		errno = ENOSPC;
		return ios == at ? 1 : 2;
	}
	return 0;
}

void *__wrap_malloc(size_t n)
{
	return alloc_fails() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t k, size_t n)
{
	return alloc_fails() ? NULL : __real_calloc(k, n);
}

void *__wrap_realloc(void *p, size_t n)
{
	/* realloc(p, 0) frees; it is not an allocation that can fail */
	if (p && n == 0)
		return __real_realloc(p, n);
	return alloc_fails() ? NULL : __real_realloc(p, n);
}

char *__wrap_strdup(const char *s)
{
	return alloc_fails() ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t n)
{
	return alloc_fails() ? NULL : __real_strndup(s, n);
}

ssize_t __wrap_getline(char **line, size_t *cap, FILE *f)
{
	/* getline allocates when the line does not fit: count every call */
	return alloc_fails() ? -1 : __real_getline(line, cap, f);
}

static int writes(const char *mode_s)
{
	return strpbrk(mode_s, "wa+") != NULL;
}

FILE *__wrap_fopen(const char *path, const char *m)
{
	if (writes(m) && io_fails())
		return NULL;
	return __real_fopen(path, m);
}

FILE *__wrap_fdopen(int fd, const char *m)
{
	if (writes(m) && io_fails())
		return NULL;
	return __real_fdopen(fd, m);
}

int __wrap_open(const char *path, int flags, ...)
{
	mode_t perm = 0;
	if (flags & O_CREAT) {
		va_list ap;
		va_start(ap, flags);
		perm = (mode_t)va_arg(ap, int);
		va_end(ap);
	}
	if ((flags & (O_WRONLY | O_RDWR | O_CREAT)) && io_fails())
		return -1;
	return __real_open(path, flags, perm);
}

ssize_t __wrap_write(int fd, const void *b, size_t n)
{
	int f = io_fails();
	if (f == 1 && n > 1)
		return __real_write(fd, b, n / 2);   /* the disk filled up during it */
	if (f)
		return -1;
	return __real_write(fd, b, n);
}

int __wrap_fflush(FILE *f)
{
	if (f && __fwriting(f) && io_fails())
		return EOF;
	return __real_fflush(f);
}

int __wrap_fclose(FILE *f)
{
	if (f && __fwriting(f) && io_fails()) {
		int e = errno;
		__real_fclose(f);
		errno = e;
		return EOF;
	}
	return __real_fclose(f);
}

int __wrap_fsync(int fd)
{
	return io_fails() ? -1 : __real_fsync(fd);
}

int __wrap_rename(const char *a, const char *b)
{
	return io_fails() ? -1 : __real_rename(a, b);
}

int __wrap_renameat2(int da, const char *a, int db, const char *b, unsigned flags)
{
	return io_fails() ? -1 : __real_renameat2(da, a, db, b, flags);
}

int __wrap_mkdir(const char *path, mode_t m)
{
	return io_fails() ? -1 : __real_mkdir(path, m);
}

void __wrap__exit(int status)
{
	report();
	__real__exit(status);
}
