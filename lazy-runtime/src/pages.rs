//! How large buffers are backed by memory: the runtime's one call into the kernel.

/// Asks the kernel to back `buffer`, a large buffer not yet written, with transparent huge
/// pages: each fresh 4 KB page costs a fault on its first write, and filling 8 MB of new
/// memory then spends more time faulting than writing (numpy asks for huge pages for its
/// arrays for the same reason). Advice only: the contents are untouched, and nothing
/// changes where the kernel declines or the buffer is smaller than two huge pages.
#[cfg(target_os = "linux")]
#[allow(unsafe_code)]
pub(crate) fn advise_huge_pages<T>(buffer: &mut [T]) {
    const HUGE: usize = 2 << 20;
    let bytes = size_of_val(buffer);
    if bytes < 2 * HUGE {
        return;
    }
    let start = buffer.as_mut_ptr() as usize;
    let aligned = start.next_multiple_of(HUGE);
    let len = (start + bytes - aligned) / HUGE * HUGE;
    // SAFETY: the range lies inside `buffer`, which this call borrows mutably, and
    // MADV_HUGEPAGE changes only how its pages are backed, never their contents.
    unsafe {
        libc::madvise(aligned as *mut libc::c_void, len, libc::MADV_HUGEPAGE);
    }
}

#[cfg(not(target_os = "linux"))]
pub(crate) fn advise_huge_pages<T>(_: &mut [T]) {}
