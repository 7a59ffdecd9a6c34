------------------------------ MODULE Scheduler ------------------------------
(***************************************************************************)
(* The work-balancing scheduler's protocol, as built in io.smolscale.impl. *)
(*                                                                         *)
(* Workers own bounded local queues; outside submissions go to one global  *)
(* queue; idle workers park in the IdleSet; a searching count suppresses   *)
(* redundant wake-ups (Tokio's "searching" protocol); a worker going idle  *)
(* publishes its idleness and then re-checks the global queue before it    *)
(* parks (Dekker-style publish-then-recheck, as in Kotlin's                *)
(* CoroutineScheduler); a balancer moves work out of stalled workers and   *)
(* preempts blocked ones, whose replacement is bounded by a thread cap.    *)
(*                                                                         *)
(* Each action is one atomic step of the implementation: a queue operation *)
(* under its lock, an atomic read-modify-write of a counter, or a short    *)
(* sequence of the owner's private work.  spec/MODEL.md maps every         *)
(* variable and action to the class and method that implement it.         *)
(*                                                                         *)
(* Starting a worker thread can fail (the thread factory throws or        *)
(* returns null, or Thread.start cannot make a native thread), at most     *)
(* MaxStartFailures times; then the failed starter wakes a sleeper, or    *)
(* else pops a spare, if work waits, and the balancer thread, which        *)
(* otherwise lives only while worker threads exist, stays alive and        *)
(* retries the start.                                                      *)
(*                                                                         *)
(* Spares (io.smolscale.impl.Spares): a blocked worker whose task returns  *)
(* with no parallelism slot free parks as a spare (a live thread, not      *)
(* counted, not awake) after publishing itself in the spare set and        *)
(* re-checking; a replacement (Lifecycle.maybeStartWorker) reserves a slot *)
(* and pops a spare before it starts a thread; the blocking path           *)
(* (Blocking.submit, handOff) hands a body to a popped spare or to a new   *)
(* thread started blocked, under MaxThreads, else queues it as a Declared  *)
(* task; a spare whose keep-alive passes leaves the set and exits.         *)
(*                                                                         *)
(* Waiting for a place (VirtualThreads): blocking-path bodies run on     *)
(* virtual threads, each holding one of the MaxThreads places; a body     *)
(* that finds no place waits in a FIFO of its own (Blocking.waiting), and *)
(* every release of a place, and the submitter after it queued, re-reads *)
(* it (Blocking.startWaiting): see WaitForPlace below.  With virtual       *)
(* threads a worker start's reservation (Ctl.reserveWorker) is its two    *)
(* CASes, threads then counted, and a place taken by the first and given  *)
(* back when the second finds no slot is such a release (SWCount).        *)
(*                                                                         *)
(* The constant Bug plants one known protocol bug (negative controls, see  *)
(* the Bug_*.cfg files); Bug = "none" is the protocol as built.           *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    NSlots,         \* worker thread slots; a retired thread's slot is reused by a later start
    NTasks,         \* tasks, submitted from outside or spawned by running tasks
    MaxThreads,     \* the thread cap (config maxThreads)
    Parallelism,    \* workers counted towards parallelism (config parallelism)
    LocalCap,       \* capacity of a local queue (LocalQueue.DEFAULT_CAPACITY in the code)
    ShareThreshold, \* local backlog that is shared (Pool.SHARE_THRESHOLD)
    MaxBlocking,    \* how many tasks may block (each at most once): bounds the state space
    MaxStartFailures, \* how many worker starts may fail in a behaviour: bounds the state space
    LateStartFailure, \* whether a start may also fail in Thread.start(), after the new worker
                      \* was counted as searching (else only the thread factory fails)
    MaxPreempt,     \* how many times the balancer may preempt a worker that is not inside a
                    \* blocking call (the COMPUTING verdict): bounds the state space
    NBlockingPath,  \* how many of the NTasks are blocking-path submissions from outside
                    \* (spawnBlocking, blockingExecutor: Blocking.submit); the others are
                    \* ordinary tasks (execute, spawn)
    VirtualThreads, \* whether blocking-path bodies run on virtual threads
                    \* (BlockingThreads.VIRTUAL: Blocking.handOffOrWait, startWaiting, runVirtual)
                    \* instead of spares and worker threads born blocked
    Bug             \* "none", or the planted bug of a negative control

Bugs == {"none", "ParkNoRecheck", "RetireNoDrain", "WakeByPermit",
         "NoThreadCap", "DrainBlockedOnce", "SpinLeavesCount",
         "NoRetryAfterFailedStart", "BalancerExitNoRecheck", "LateStartFailNoWake",
         "SpareNoRecheck", "SpareTimeoutIgnoresPop", "BlockingIgnoresCap",
         "WakerNoRecheckAfterRelease", "StartFailNoSparePop",
         "ReleaseNoWaitingRecheck", "SubmitNoWaitingRecheck", "DeclaredNoWaitingRecheck",
         "WaitingNoGlobalRecheck", "ReserveUndoNoWaitingRecheck", "OverflowSkipWhenBlocked"}

ASSUME /\ Parallelism \in Nat \ {0}
       /\ MaxThreads \in Nat /\ MaxThreads >= Parallelism
       /\ NSlots \in Nat /\ NSlots >= MaxThreads
       /\ NTasks \in Nat \ {0}
       /\ LocalCap \in Nat \ {0}
       /\ ShareThreshold \in Nat \ {0}
       /\ MaxBlocking \in 0..NTasks
       /\ MaxStartFailures \in Nat
       /\ LateStartFailure \in BOOLEAN
       /\ MaxPreempt \in Nat
       /\ NBlockingPath \in 0..NTasks
       /\ VirtualThreads \in BOOLEAN
       /\ Bug \in Bugs

Slots  == 1..NSlots
Tasks  == 1..NTasks
NoTask == 0
BPTasks  == {t \in Tasks : t > NTasks - NBlockingPath}   \* blocking-path submissions
RegTasks == Tasks \ BPTasks                               \* ordinary tasks
Rejoin == -1       \* the hand-off Spares.REJOIN (NoTask: no hand-off, a task: a body)

(***************************************************************************)
(* Worker program counter (Worker.run, Worker.idle, Blocking, Lifecycle,   *)
(* Spares):                                                                *)
(*   "off"    no thread in this slot                                       *)
(*   "find"   Worker.findTask                                              *)
(*   "chain"  found a task as the last searcher: wake the next if needed   *)
(*   "run"    inside a task (Worker.runTask)                               *)
(*   "spin"   Worker.spinBeforeParking: counted as searching, watching the *)
(*            global queue (AdaptiveSpin.spinUntilWork, the pre-park spin) *)
(*   "dec"    Worker.idle: stop searching (Ctl.searchingToIdle)            *)
(*   "push"   Worker.idle: IdleSet.push (publish idleness)                 *)
(*   "check"  Worker.idle: re-check the global queue                       *)
(*   "parked" Worker.idle: the park loop (Parker.park, isIdle, remove)     *)
(*   "rwake"  Blocking.afterBlockedTask: queue handed over, wake if work   *)
(*            waits                                                        *)
(*   "exit"   Lifecycle.onWorkerExit: thread count released, wake if work  *)
(*            waits                                                        *)
(*   "fail"   a start whose Thread.start will throw: reserved, counted as  *)
(*            searching and awake, no thread; its starter then undoes the  *)
(*            counts, wakes a sleeper if work waits and calls              *)
(*            balancer.ensureRunning() (Lifecycle.startWorker's catch).    *)
(* The spare life cycle (Worker.afterBlocked, Spares.await, Spares.park):  *)
(*   "spush"  Ctl.blockedToSpare and Spares.push (publish the spare)       *)
(*   "sc1"    the re-check, first read: ctl.counted() < parallelism        *)
(*   "sc2"    the re-check, second read: !global.isEmpty(), then           *)
(*            Spares.remove (and Ctl.spareToAwake)                         *)
(*   "srj"    removed itself: Ctl.blockedToRunning (REJOINED), or loop     *)
(*   "spark"  Spares.park: parked, or reading its hand-off                 *)
(*   "sto"    the keep-alive passed: Spares.remove, or act on the hand-off *)
(* A queued blocking-path task (Blocking.Declared.run) on a worker:        *)
(*   "decl"   Blocking.handOff: Spares.popForBody                          *)
(*   "dres"   Blocking.handOff: Ctl.reserveBlockingThread and              *)
(*            Lifecycle.startBlockingWorker                                *)
(*   "dmark"  no thread: Blocking.markBlocked(w, DECLARED), then the body  *)
(*   "dret"   the hand-off succeeded: the wrapper returns                  *)
(*   "dvst"   (VirtualThreads) Blocking.handOff: a place reserved, about   *)
(*            to startVirtual                                              *)
(*   "bfail"  a blocking-path start whose Thread.start will throw: the     *)
(*            thread reserved and awake, born blocked, no thread behind it *)
(***************************************************************************)
VARIABLES
    pc,          \* [Slots -> PCs]
    srch,        \* [Slots -> BOOLEAN]  Worker.searching: counted in the searching count
    blocked,     \* [Slots -> BOOLEAN]  Worker.blocked (marked by the monitor or by itself)
    waiting,     \* [Slots -> {"no","wait","comp"}] the running task is inside a blocking call
                 \*   ("comp": it called Compensator.beginBlocking, i.e.
                 \*   Blocking.beginCompensation, first, as Task.join does)
    wk,          \* [Slots -> BOOLEAN]  the worker thread owes a wakeOne() call (next step)
    permit,      \* [Slots -> BOOLEAN]  Parker state NOTIFIED
    cur,         \* [Slots -> Tasks \cup {NoTask}] the task being run
    local,       \* [Slots -> Seq(Tasks)] LocalQueue contents, head = oldest
    global,      \* Seq(Tasks)  GlobalQueue contents (a blocking-path task there is a Declared)
    idle,        \* SUBSET Slots  IdleSet membership (Node.linked)
    nsearch,     \* IdleSet.searching
    tstate,      \* [Tasks -> {"new","queued","held","handed","running","done","waiting",
                 \*   "polled"}] "held": a Declared wrapper taken by a worker, the body not
                 \*   yet placed; "handed": the body is a popped spare's hand-off, not yet run;
                 \*   "waiting": in waitq; "polled": held by a startWaiting caller (swheld)
    blockedOnce, \* [Tasks -> BOOLEAN] a task blocks at most once (keeps the model finite)
    runs,        \* [Tasks -> Nat] how many times each task was started
    subPc,       \* the outside submitter: "idle"; "wake" (between offer and wakeOne);
                 \*   blocking path: "bres" (no spare: reserve a thread), "bq" (no thread:
                 \*   queue the Declared task); on virtual threads "vst" (a place reserved:
                 \*   startVirtual), "vapp" (no place, or the start failed: queue the body)
    bpc,         \* the balancer: "scan" (per-worker work of a tick), "end" (its wakeOne), or
                 \*   "wake" (that wakeOne is in maybeStartWorker's spare branch, mw[BalId]);
                 \*   "wakeEnd": the same, and a per-worker action since owes another one
    bal,         \* the balancer thread (Balancer.state and Balancer.run): "off" no thread
                 \*   (STOPPED); "loop" in its loop (RUNNING); "exit" saw no thread and no
                 \*   work, about to publish STOPPED; "stop" published STOPPED, re-checks next
    fails,       \* worker starts that failed so far (at most MaxStartFailures)
    ens,         \* starters that undid a failed start and still owe the rest of the catch:
                 \*   Pool.wakeSleeper() if work waits (which falls back to
                 \*   Lifecycle.rejoinSpare: mwx["fsize"] ...), then balancer.ensureRunning()
    mw,          \* [Callers -> MWStages] a caller of wakeOne inside
                 \*   Lifecycle.maybeStartWorker's spare branch: "size" read
                 \*   spares.size() > 0, about to Ctl.reserveSlot; "slot" holds a reserved
                 \*   slot, about to Spares.popToSearch; "rel" the pop found no spare, about to
                 \*   Ctl.releaseSlot; "again" released it, about to read spares.size() again
                 \*   (the loop's next test); "start" about to Ctl.reserveWorker; "none". The
                 \*   caller (a worker, the submitter, the balancer) takes no other step
                 \*   meanwhile.
    mwx,         \* [XSteps -> Nat] the wakers nobody waits for, counted by stage. Exiting
                 \*   threads (Lifecycle.onWorkerExit) after Ctl.threadExited: "call" about to
                 \*   call wakeOne (work waited), then the spare branch's stages as in mw.
                 \*   Failed starters in Lifecycle.rejoinSpare (the fallback of
                 \*   Pool.wakeSleeper in startWorker's catch, no sleeper woken): "fsize",
                 \*   "fslot", "frel", "fagain" as "size" ... "again" in mw, then "fens"
                 \*   (the loop is over: about to call balancer.ensureRunning(); never a
                 \*   start). Their slots are free already (the starts were undone).
    spares,      \* SUBSET Slots  the spare set (Spares.stack)
    handoff,     \* [Slots -> Tasks \cup {NoTask, Rejoin}] Worker.handoff
    npre,        \* COMPUTING preemptions so far (at most MaxPreempt)
    \* Waiting for a place (VirtualThreads only; constant otherwise):
    waitq,       \* Seq(BPTasks) Blocking.waiting, the FIFO of bodies waiting for a place
    vpc,         \* [BPTasks -> {"off", "vrun", "vexit"}] the virtual thread whose first body
                 \*   is the index (Blocking.runVirtual): "vrun" running the body vcur[i];
                 \*   "vexit" its poll of waiting found nothing, about to give its place back
    vcur,        \* [BPTasks -> BPTasks \cup {NoTask}] the body a virtual thread runs
    swx,         \* [SWKinds \X SWStages -> Nat] callers of Blocking.startWaiting, counted by
                 \*   kind and stage (they are interchangeable): "test" about to read
                 \*   !waiting.isEmpty(); "res" about to Ctl.reserveBlockingThread; "poll" holds a
                 \*   place, about to waiting.poll(); "rel" the poll found nothing, about to give
                 \*   the place back; "g" (kind "X" only) the loop is over, about to read
                 \*   !global.isEmpty() for the exit's wakeOne. And (kind "N" only) "rsv":
                 \*   a caller of Ctl.reserveWorker between its two CASes, the place taken
                 \*   (threads), about to CAS counted (SWCount: the start, or the place given
                 \*   back and then startWaiting, at "test")
    swheld       \* [BPTasks -> Held] a body a startWaiting caller polled: "-" none; HS[k]
                 \*   (kind k) holds a place, about to startVirtual; HM[k] the start failed and
                 \*   the place is given back, about to move it and every waiting body to the
                 \*   global queue

virtVars == <<waitq, vpc, vcur, swx, swheld>>

vars == <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle,
          nsearch, tstate, blockedOnce, runs, subPc, bpc, bal, fails, ens, mw, mwx, spares,
          handoff, npre, virtVars>>

\* Changed only by starts and their failure, the balancer's life, the wakers' spare branch,
\* the spare set's pushes, pops and hand-offs, and preemption; and (virtVars) by the steps of
\* waiting for a place.
startVars == <<bal, fails, ens, mw, mwx, spares, handoff, npre, virtVars>>

MWSteps == {"size", "slot", "rel", "again", "start"}
MWStages == MWSteps \cup {"none"}
FSteps == {"fsize", "fslot", "frel", "fagain", "fens"}
XSteps == MWSteps \cup {"call"} \cup FSteps
SubId == NSlots + 1                 \* the outside submitter as a caller of wakeOne
BalId == NSlots + 2                 \* the balancer thread as a caller of wakeOne
ExitId == 0                         \* an exiting thread (its wake is counted in mwx)
FailId == NSlots + 3                \* a failed starter in rejoinSpare (its stages are in mwx)
Callers == 1..NSlots + 2            \* the worker slots, the submitter, the balancer

SparePCs == {"spush", "sc1", "sc2", "srj", "spark", "sto"}
InSet    == {"sc1", "sc2", "spark", "sto"}     \* where a spare can be in the set or popped
DeclPCs  == {"decl", "dres", "dmark", "dvst"}
InTask   == {"run"} \cup DeclPCs              \* inside Worker.runTask (seq odd)

PCs == {"off", "find", "chain", "run", "spin", "dec", "push", "check", "parked",
        "rwake", "exit", "fail", "dret", "bfail"} \cup SparePCs \cup DeclPCs

\* The callers of Blocking.startWaiting, by what they do after it: "N" nothing the model
\* follows (the submitter in handOffOrWait, which returns; a Declared task whose virtual start
\* failed, which goes on to run its body); "X" an exiting thread (Lifecycle.virtualBodyExited,
\* onWorkerExit: then wakeOne if the global queue is not empty); "F" a failed worker start
\* (Lifecycle.startWorker's catch: then the rest of the catch, ens). Empty without virtual
\* threads (startWaiting returns at once: no virtual thread factory), so that no fairness
\* condition is added there.
SWKindsAll == {"N", "X", "F"}
SWKinds == IF VirtualThreads THEN SWKindsAll ELSE {}
SWStages == {"test", "res", "poll", "rel", "g", "rsv"}
SWLoop == {"test", "res", "poll", "rel"}          \* inside the loop (a re-check in flight)
HS == [N |-> "Ns", X |-> "Xs", F |-> "Fs"]        \* swheld: about to startVirtual
HM == [N |-> "Nm", X |-> "Xm", F |-> "Fm"]        \* swheld: failed, about to move to global
Held == {"-"} \cup {HS[k] : k \in SWKindsAll} \cup {HM[k] : k \in SWKindsAll}
\* Virtual threads, named by their first body (a body starts a thread at most once).
VIds == IF VirtualThreads THEN BPTasks ELSE {}

-----------------------------------------------------------------------------
(* Derived quantities: the counts of Ctl. *)

Threads == {w \in Slots : pc[w] # "off"}        \* worker threads (Ctl.threads without virtual)
\* Ctl.threads: the worker threads, and the places of the blocking path on virtual threads: a
\* virtual thread's, a place a startWaiting caller reserved (polling, giving it back, or about
\* to start a polled body), the submitter's reservation in handOff, a Declared task's, and a
\* worker start's between the two CASes of Ctl.reserveWorker (swx[<<"N", "rsv">>]).
SumK(s) == swx[<<"N", s>>] + swx[<<"X", s>>] + swx[<<"F", s>>]
VPlaces == Cardinality({i \in BPTasks : vpc[i] # "off"})
           + Cardinality({t \in BPTasks : swheld[t] \in {HS[k] : k \in SWKindsAll}})
           + SumK("poll") + SumK("rel")
           + (IF subPc = "vst" THEN 1 ELSE 0)
           + Cardinality({w \in Slots : pc[w] = "dvst"})
           + swx[<<"N", "rsv">>]
NThreads == Cardinality(Threads) + VPlaces
\* Ctl.counted: not blocked, not retired; a spare popped as a replacement holds the slot its
\* waker reserved; wakers holding a reserved slot (Ctl.reserveSlot) count too.
Counted == {w \in Slots : pc[w] \notin {"off", "exit"}
                          /\ (~blocked[w] \/ handoff[w] = Rejoin)}
CtlCounted == Cardinality(Counted) + Cardinality({c \in Callers : mw[c] \in {"slot", "rel"}})
                                    + mwx["slot"] + mwx["rel"] + mwx["fslot"] + mwx["frel"]
\* A caller not inside a wakeOne's spare branch: free to take its next step.
Free(c) == mw[c] = "none"
\* Ctl.awake (not parked): the balancer ticks. A spare is not awake from its push until it
\* leaves the set itself or is popped (the popper counts it awake).
Awake(w) == \/ pc[w] \notin {"off", "check", "parked"} \cup InSet
            \/ pc[w] \in InSet /\ handoff[w] # NoTask
Doomed == {"fail", "bfail"}        \* a start that will fail (no thread behind it)
\* A spare parked with nothing handed to it.
SpareParked(w) == pc[w] = "spark" /\ handoff[w] = NoTask
\* A thread inside a blocking call (it may never return under SpecBlockForever).
Stuck(w) == pc[w] = "run" /\ waiting[w] # "no"

Range(s) == {s[i] : i \in DOMAIN s}
Min(a, b) == IF a < b THEN a ELSE b
Max(a, b) == IF a > b THEN a ELSE b
Half(n) == (n + 1) \div 2                     \* drainHalfTo moves half, rounded up
Front(s, n) == SubSeq(s, 1, n)
Rest(s, n) == SubSeq(s, n + 1, Len(s))

\* Tasks of one kind are interchangeable: the smallest new one is next.
NewReg == {t \in RegTasks : tstate[t] = "new"}
NewBP  == {t \in BPTasks : tstate[t] = "new"}
NextReg == CHOOSE t \in NewReg : \A u \in NewReg : t <= u
NextBP  == CHOOSE t \in NewBP : \A u \in NewBP : t <= u   \* also the one being submitted

\* Where a worker goes after taking task t (after the chain check): a Declared wrapper first
\* tries the hand-off.
RunPc(t) == IF t \in BPTasks THEN "decl" ELSE "run"

-----------------------------------------------------------------------------
(***************************************************************************)
(* WakeOne(pc0): Pool.wakeOne, after the caller's own program-counter      *)
(* update pc0.  Nothing if a worker is searching; else pop a parked        *)
(* worker, count it as searching and unpark it (IdleSet.popToSearch,      *)
(* Parker.unpark); else Lifecycle.maybeStartWorker: if the spare set is    *)
(* not empty, the spare branch (below, its own steps); else start a worker *)
(* if fewer than Parallelism are counted and the thread cap allows         *)
(* (Ctl.reserveWorker).  Which sleeper is popped is left open (the code    *)
(* pops the newest).                                                       *)
(*                                                                         *)
(* The spare branch (spares.size() > 0, Ctl.reserveSlot, Spares.popToSearch*)
(* or Ctl.releaseSlot, then Ctl.reserveWorker) is a sequence of separate   *)
(* atomic steps whose windows matter (a reserved slot is counted), so it   *)
(* is modelled as a waker of its own (mw) that the caller leaves behind:   *)
(* the caller goes on at once.  That adds behaviours (the caller's next    *)
(* steps before its wakeOne has finished) and removes none.                *)
(*                                                                         *)
(* The start (Lifecycle.startWorker) may fail, at most MaxStartFailures    *)
(* times: the thread factory throws or returns null (nothing was           *)
(* published: the reservation is undone at once), or Thread.start throws  *)
(* after the new worker was counted as searching and awake                 *)
(* (Ctl.reservedToSearching) and the success path's ensureRunning() ran    *)
(* (slot "fail": undone by StartFails).  Either way the starter then owes  *)
(* the rest of the catch (ens): Pool.wakeSleeper() if work waits (a        *)
(* sleeper, else the spare loop without a start: Lifecycle.rejoinSpare,    *)
(* counted in mwx), then balancer.ensureRunning() (EnsureOwed, or          *)
(* StarterEnsure after the spare loop).  The balancer's own starts (a      *)
(* tick's wakeOne, retryStart) owe it too: its wakeSleeper is real, its    *)
(* ensureRunning() sees RUNNING, a no-op (in the model: unless the         *)
(* balancer has left its loop meanwhile, which only adds behaviours).      *)
(***************************************************************************)
FreeSlot == CHOOSE v \in Slots : pc[v] = "off" /\ \A u \in Slots : pc[u] = "off" => v <= u

CanStart == /\ \E v \in Slots : pc[v] = "off"
            /\ CtlCounted < Parallelism
            /\ (NThreads < MaxThreads \/ Bug = "NoThreadCap")

\* Ctl.reserveBlockingThread: a thread under maxThreads, no slot, no token.
\* Bug BlockingIgnoresCap: no maxThreads check.
CanStartBlocking == /\ \E v \in Slots : pc[v] = "off"
                    /\ (NThreads < MaxThreads \/ Bug = "BlockingIgnoresCap")

\* The same CAS for a virtual thread's place: no slot (a virtual thread is not a worker).
CanReserveV == NThreads < MaxThreads \/ Bug = "BlockingIgnoresCap"

\* Balancer.ensureRunning(): if STOPPED, CAS to RUNNING and start a balancer thread. A new
\* thread started while the old one is between publishing STOPPED and its re-check ("stop")
\* is merged with it: the old one's CAS then fails (RUNNING) and it returns.
EnsureRunning == IF bal \in {"off", "stop"} THEN "loop" ELSE bal

\* After a failed worker start has undone its counts (Ctl.startFailed): with virtual threads,
\* Blocking.startWaiting first (a caller of kind "F", which owes the rest of the catch when its
\* loop is over: SWEnd); else the rest of the catch at once (ens).
\* (swx0: the startWaiting callers' counts before it, see SWCount.)
FailedStartOwesFrom(swx0) ==
    IF VirtualThreads
      THEN /\ swx' = [swx0 EXCEPT ![<<"F", "test">>] = @ + 1]
           /\ UNCHANGED ens
      ELSE /\ ens' = IF Bug = "NoRetryAfterFailedStart" THEN ens ELSE ens + 1
           /\ swx' = swx0
FailedStartOwes == FailedStartOwesFrom(swx)

\* Lifecycle.startWorker, with threads and counted reserved (Ctl.reserveWorker): success, or
\* one of the two failures. (The callers say what happens to mw, mwx, spares and handoff;
\* swx0 is what swx becomes but for a failed start's startWaiting.)
StartWorkerFrom(pc0, swx0) ==
    \/ \* the worker thread starts SEARCHING; ensureRunning() before t.start()
       /\ pc' = [pc0 EXCEPT ![FreeSlot] = "find"]
       /\ srch' = [srch EXCEPT ![FreeSlot] = TRUE]
       /\ nsearch' = nsearch + 1
       /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
       /\ bal' = EnsureRunning
       /\ swx' = swx0
       /\ UNCHANGED <<idle, fails, ens>>
    \/ \* the factory throws or returns null: the counts are undone (Ctl.startFailed); then
       \* (virtual threads) Blocking.startWaiting (a place is free again), then the rest of
       \* the catch (EnsureOwed)
       /\ fails < MaxStartFailures
       /\ fails' = fails + 1
       /\ FailedStartOwesFrom(swx0)
       /\ pc' = pc0
       /\ UNCHANGED <<srch, nsearch, idle, permit, bal>>
    \/ \* Thread.start() will throw: counted as searching and awake first (StartFails)
       /\ LateStartFailure
       /\ fails < MaxStartFailures
       /\ fails' = fails + 1
       /\ pc' = [pc0 EXCEPT ![FreeSlot] = "fail"]
       /\ srch' = [srch EXCEPT ![FreeSlot] = TRUE]
       /\ nsearch' = nsearch + 1
       /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
       /\ bal' = EnsureRunning
       /\ swx' = swx0
       /\ UNCHANGED <<idle, ens>>
StartWorker(pc0) == StartWorkerFrom(pc0, swx)

\* Ctl.reserveWorker, once its reads passed (CanStart: counted < parallelism, threads <
\* maxThreads), and startWorker. With virtual threads its two CASes are two steps: the CAS of
\* threads takes a place here (a caller of kind "N" at "rsv", counted in NThreads: a
\* concurrent Ctl.reserveBlockingThread sees it taken), and SWCount, the CAS of counted, starts
\* the worker or gives the place back. The caller goes on at once (extra behaviours only, as
\* with the spare loop's wakers). Without virtual threads one step, as before: there the
\* window can only refuse, at the cap, a concurrent reservation while counted fills up, and
\* no body waits for a place (MODEL.md, Blocking bodies on virtual threads).
ReserveWorker(pc0) ==
    IF VirtualThreads
      THEN /\ swx' = [swx EXCEPT ![<<"N", "rsv">>] = @ + 1]
           /\ pc' = pc0
           /\ UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens>>
      ELSE StartWorker(pc0)

NoWake == UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens, mw, mwx, spares, handoff,
                      npre, virtVars>>

\* An exiting thread's wakeOne (ExitWake) consumes its pending call.
MwxBase(id) == IF id = ExitId THEN [mwx EXCEPT !["call"] = @ - 1] ELSE mwx

\* The spare branch is taken (no searcher, no sleeper, a spare).
SpareBranch == nsearch = 0 /\ idle = {} /\ spares # {}

WakeOneBy(pc0, id) ==
    IF nsearch > 0 THEN
        /\ pc' = pc0
        /\ mwx' = MwxBase(id)
        /\ UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens, mw, spares, handoff, npre,
                       swx>>
    ELSE IF idle # {} THEN
        /\ \E v \in idle :
              /\ idle' = idle \ {v}
              /\ nsearch' = nsearch + 1
              /\ permit' = [permit EXCEPT ![v] = TRUE]
        /\ pc' = pc0
        /\ mwx' = MwxBase(id)
        /\ UNCHANGED <<srch, bal, fails, ens, mw, spares, handoff, npre, swx>>
    ELSE IF spares # {} THEN
        \* maybeStartWorker: spares.size() > 0; the rest of the call: the waker steps
        /\ IF id = ExitId
             THEN /\ mwx' = [MwxBase(id) EXCEPT !["size"] = @ + 1]
                  /\ UNCHANGED mw
             ELSE /\ mw' = [mw EXCEPT ![id] = "size"]
                  /\ UNCHANGED mwx
        /\ pc' = pc0
        /\ UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens, spares, handoff, npre, swx>>
    ELSE IF CanStart THEN
        /\ ReserveWorker(pc0)
        /\ mwx' = MwxBase(id)
        /\ UNCHANGED <<mw, spares, handoff, npre>>
    ELSE
        /\ pc' = pc0
        /\ mwx' = MwxBase(id)
        /\ UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens, mw, spares, handoff, npre,
                       swx>>

\* What WakeOneBy leaves alone among the variables of waiting for a place (a failed start
\* changes swx).
NotVirt == UNCHANGED <<waitq, vpc, vcur, swheld>>

wakeVars == <<pc, srch, nsearch, idle, permit, bal, fails, ens, mw, mwx, spares, handoff, npre,
              swx>>

-----------------------------------------------------------------------------
Init ==
    /\ pc = [w \in Slots |-> "off"]
    /\ srch = [w \in Slots |-> FALSE]
    /\ blocked = [w \in Slots |-> FALSE]
    /\ waiting = [w \in Slots |-> "no"]
    /\ wk = [w \in Slots |-> FALSE]
    /\ permit = [w \in Slots |-> FALSE]
    /\ cur = [w \in Slots |-> NoTask]
    /\ local = [w \in Slots |-> <<>>]
    /\ global = <<>>
    /\ idle = {}
    /\ nsearch = 0
    /\ tstate = [t \in Tasks |-> "new"]
    /\ blockedOnce = [t \in Tasks |-> FALSE]
    /\ runs = [t \in Tasks |-> 0]
    /\ subPc = "idle"
    /\ bpc = "scan"
    /\ bal = "off"
    /\ fails = 0
    /\ ens = 0
    /\ mw = [c \in Callers |-> "none"]
    /\ mwx = [k \in XSteps |-> 0]
    /\ spares = {}
    /\ handoff = [w \in Slots |-> NoTask]
    /\ npre = 0
    /\ waitq = <<>>
    /\ vpc = [i \in BPTasks |-> "off"]
    /\ vcur = [i \in BPTasks |-> NoTask]
    /\ swx = [k \in SWKindsAll \X SWStages |-> 0]
    /\ swheld = [t \in BPTasks |-> "-"]

-----------------------------------------------------------------------------
(* The outside submitter: WorkBalancingScheduler.execute -> Pool.dispatch, *)
(* on a non-worker thread; or the blocking path: spawnBlocking or the      *)
(* blocking executor -> Blocking.submit.                                   *)

SubmitOutside ==                       \* Pool.dispatch: global.offer(task)
    /\ subPc = "idle" /\ Free(SubId)
    /\ NewReg # {}
    /\ global' = Append(global, NextReg)
    /\ tstate' = [tstate EXCEPT ![NextReg] = "queued"]
    /\ subPc' = "wake"
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle,
                   nsearch, blockedOnce, runs, bpc, startVars>>

SubmitWake ==                          \* Pool.dispatch (or Blocking.submit): wakeOne()
    /\ subPc = "wake"
    /\ WakeOneBy(pc, SubId)
    /\ subPc' = "idle"
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce,
                   runs, bpc>>

\* Pop a spare v for the body t (Spares.popForBody, under the set's lock): Ctl.spareToAwake,
\* handoff = body, then unpark. (The pop's early size() == 0 read and an empty pop fail
\* alike, with no effect, so they are one step.)
PopForBody(v, t) ==
    /\ spares' = spares \ {v}
    /\ handoff' = [handoff EXCEPT ![v] = t]
    /\ permit' = [permit EXCEPT ![v] = TRUE]
    /\ tstate' = [tstate EXCEPT ![t] = "handed"]

\* Blocking.submit -> handOff: a popped spare takes the body, or (next step) a new thread.
\* With virtual threads (Blocking.handOffOrWait -> handOff): Ctl.reserveBlockingThread, then
\* (next step, SubmitVStart) startVirtual; no place: on to queue the body (SubmitAppend).
SubmitBlocking ==
    /\ subPc = "idle" /\ Free(SubId)
    /\ NewBP # {}
    /\ IF VirtualThreads
         THEN /\ subPc' = IF CanReserveV THEN "vst" ELSE "vapp"
              /\ UNCHANGED <<spares, handoff, permit, tstate>>
       ELSE IF spares # {}
         THEN /\ \E v \in spares : PopForBody(v, NextBP)
              /\ UNCHANGED subPc
         ELSE /\ subPc' = "bres"
              /\ UNCHANGED <<spares, handoff, permit, tstate>>
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, cur, local, global, idle, nsearch,
                   blockedOnce, runs, bpc, bal, fails, ens, mw, mwx, npre, virtVars>>

\* The new thread of a blocking-path start in slot FreeSlot with body t
\* (Lifecycle.startBlockingWorker: Worker.bornBlocked, Ctl.reservedToBlockingAwake, register,
\* ensureRunning, Thread.start): blocked, not searching, the body its first task. pc0 holds
\* the starter's own update; cur0 the starter's cur update.
BornBlocked(t, pc0, cur0) ==
    /\ pc' = [pc0 EXCEPT ![FreeSlot] = "run"]
    /\ cur' = [cur0 EXCEPT ![FreeSlot] = t]
    /\ blocked' = [blocked EXCEPT ![FreeSlot] = TRUE]
    /\ srch' = [srch EXCEPT ![FreeSlot] = FALSE]
    /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
    /\ tstate' = [tstate EXCEPT ![t] = "running"]
    /\ runs' = [runs EXCEPT ![t] = @ + 1]
    /\ bal' = EnsureRunning
    /\ UNCHANGED fails

\* A blocking-path start whose Thread.start() will throw: the thread reserved, counted awake
\* and registered, born blocked, ensureRunning() done (slot "bfail", undone by
\* BlockingStartFails); the starter goes on to its fallback at once (it does so after the
\* undo: the model's order adds behaviours only).
DoomedBlocking(pc0) ==
    /\ LateStartFailure
    /\ fails < MaxStartFailures
    /\ fails' = fails + 1
    /\ pc' = [pc0 EXCEPT ![FreeSlot] = "bfail"]
    /\ blocked' = [blocked EXCEPT ![FreeSlot] = TRUE]
    /\ srch' = [srch EXCEPT ![FreeSlot] = FALSE]
    /\ permit' = [permit EXCEPT ![FreeSlot] = FALSE]
    /\ bal' = EnsureRunning

\* Ctl.reserveBlockingThread, then Lifecycle.startBlockingWorker: started (done); the factory
\* throws (nothing published); Thread.start throws; or no thread under the cap. Then queue.
SubmitBlockingStart ==
    /\ subPc = "bres"
    /\ \/ /\ CanStartBlocking
          /\ BornBlocked(NextBP, pc, cur)
          /\ subPc' = "idle"
       \/ /\ CanStartBlocking
          /\ fails < MaxStartFailures
          /\ fails' = fails + 1
          /\ subPc' = "bq"
          /\ UNCHANGED <<pc, cur, blocked, srch, permit, tstate, runs, bal>>
       \/ /\ CanStartBlocking
          /\ DoomedBlocking(pc)
          /\ subPc' = "bq"
          /\ UNCHANGED <<cur, tstate, runs>>
       \/ /\ ~CanStartBlocking
          /\ subPc' = "bq"
          /\ UNCHANGED <<pc, cur, blocked, srch, permit, tstate, runs, bal, fails>>
    /\ UNCHANGED <<waiting, wk, local, global, idle, nsearch, blockedOnce, bpc, ens, mw, mwx,
                   spares, handoff, npre, virtVars>>

SubmitBlockingQueue ==                 \* global.offer(new Declared(body)), then wakeOne()
    /\ subPc = "bq"
    /\ global' = Append(global, NextBP)
    /\ tstate' = [tstate EXCEPT ![NextBP] = "queued"]
    /\ subPc' = "wake"
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle,
                   nsearch, blockedOnce, runs, bpc, startVars>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* WaitForPlace: blocking-path bodies on virtual threads (VirtualThreads). *)
(* A body holds one of the MaxThreads places (Ctl.threads, NThreads) while *)
(* it runs.  Submission (Blocking.handOffOrWait): reserve a place and      *)
(* start a virtual thread (SubmitBlocking, SubmitVStart); no place, or the *)
(* start failed: append the body to the FIFO waiting (SubmitAppend), THEN  *)
(* call startWaiting, the submitter's re-check.  startWaiting (SWTest ...  *)
(* SWMove, a caller of kind k counted in swx): while waiting is not empty, *)
(* reserve a place (fails: return, every place is held and each holder     *)
(* re-checks when it gives it back), poll (nothing: someone else took it,  *)
(* give the place back and loop), start a virtual thread for the body (it  *)
(* fails: the body and every waiting body go to the global queue as        *)
(* Declared tasks, wakeOne, return).  A virtual thread (VBodyEnd) polls    *)
(* waiting after each body and runs what it gets, keeping its place;       *)
(* polled nothing, it gives the place back (VExit,                         *)
(* Lifecycle.virtualBodyExited: threadExited) THEN calls startWaiting, the *)
(* releaser's re-check.  So does every other release of a place: a worker  *)
(* thread's exit (Exit), a failed worker start's undo (FailedStartOwes,    *)
(* StartFails), a Declared task's failed virtual start (DeclVStart), a     *)
(* worker start's place given back when its slot went meanwhile (SWCount: *)
(* Ctl.reserveWorker's PLACE_GIVEN_BACK).  The Dekker pair: the            *)
(* submitter's append precedes its reservation, the releaser's release     *)
(* precedes its read of waiting, so either the submitter gets the freed    *)
(* place or the releaser sees the body.  Bug ReleaseNoWaitingRecheck: a    *)
(* virtual thread's exit skips its startWaiting; Bug                       *)
(* SubmitNoWaitingRecheck: the submitter skips its re-check after the      *)
(* append; Bug ReserveUndoNoWaitingRecheck: a worker start's give-back     *)
(* skips it.                                                               *)
(***************************************************************************)

\* A new virtual thread (named by its first body t) runs t (startVirtual succeeded: newThread,
\* virtualRunning.add, start; no ensureRunning, never awake nor registered nor counted).
VStart(t) ==
    /\ vpc' = [vpc EXCEPT ![t] = "vrun"]
    /\ vcur' = [vcur EXCEPT ![t] = t]
    /\ tstate' = [tstate EXCEPT ![t] = "running"]
    /\ runs' = [runs EXCEPT ![t] = @ + 1]

\* Every variable but the submitter's, the virtual threads' and the start count.
VSubUnchanged == UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle,
                             nsearch, blockedOnce, bpc, bal, ens, mw, mwx, spares, handoff,
                             npre>>

SubmitVStart ==                        \* handOff: startVirtual(v, body), the place reserved
    /\ subPc = "vst"
    /\ \/ /\ VStart(NextBP)
          /\ subPc' = "idle"
          /\ UNCHANGED <<fails, waitq, swx, swheld>>
       \/ \* the factory throws or Thread.start throws: blockingStartFailed(false) gives the
          \* place back; handOffOrWait goes on to queue the body
          /\ fails < MaxStartFailures
          /\ fails' = fails + 1
          /\ subPc' = "vapp"
          /\ UNCHANGED <<tstate, runs, virtVars>>
    /\ VSubUnchanged

\* waiting.offer(body), then startWaiting() (a caller of kind "N").
SubmitAppend ==
    /\ subPc = "vapp"
    /\ waitq' = Append(waitq, NextBP)
    /\ tstate' = [tstate EXCEPT ![NextBP] = "waiting"]
    /\ subPc' = "idle"
    /\ swx' = IF Bug = "SubmitNoWaitingRecheck" THEN swx
               ELSE [swx EXCEPT ![<<"N", "test">>] = @ + 1]
    /\ UNCHANGED <<runs, fails, vpc, vcur, swheld>>
    /\ VSubUnchanged

\* The steps of a startWaiting caller of kind k (one of those counted at each stage).
SWStep(k, s0, s1) == swx' = [swx EXCEPT ![<<k, s0>>] = @ - 1, ![<<k, s1>>] = @ + 1]

SWUnchanged == UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle, nsearch,
                           blockedOnce, subPc, bpc, bal, mw, spares, handoff, npre, vpc>>

\* The loop is over (return): what the caller of kind k does next, given swx0, the counts
\* without it. "X": if (!global.isEmpty()) wakeOne() (SWExitGlobal, counted at "g"); "F": the
\* rest of startWorker's catch (ens: wakeSleeper and ensureRunning); "N": the same read and
\* wake as "X" (GlobalRecheck: a reservation of this loop may have refused a wakeOne's worker
\* start meanwhile; the code lacks it: Bug WaitingNoGlobalRecheck, MODEL.md, Open issues).
GlobalRecheck == Bug # "WaitingNoGlobalRecheck"
SWEnd(k, swx0) ==
    /\ swx' = IF k = "X" \/ (k = "N" /\ GlobalRecheck)
               THEN [swx0 EXCEPT ![<<"X", "g">>] = @ + 1] ELSE swx0
    /\ ens' = IF k = "F" /\ Bug # "NoRetryAfterFailedStart" THEN ens + 1 ELSE ens

SWTest(k) ==                           \* while (!waiting.isEmpty())
    /\ swx[<<k, "test">>] > 0
    /\ IF waitq # <<>>
         THEN /\ SWStep(k, "test", "res")
              /\ UNCHANGED ens
         ELSE SWEnd(k, [swx EXCEPT ![<<k, "test">>] = @ - 1])
    /\ UNCHANGED <<global, tstate, runs, fails, mwx, waitq, vcur, swheld>>
    /\ SWUnchanged

SWReserve(k) ==                        \* if (!ctl.reserveBlockingThread()) return
    /\ swx[<<k, "res">>] > 0
    /\ IF CanReserveV
         THEN /\ SWStep(k, "res", "poll")
              /\ UNCHANGED ens
         ELSE SWEnd(k, [swx EXCEPT ![<<k, "res">>] = @ - 1])
    /\ UNCHANGED <<global, tstate, runs, fails, mwx, waitq, vcur, swheld>>
    /\ SWUnchanged

SWPoll(k) ==                           \* body = waiting.poll()
    /\ swx[<<k, "poll">>] > 0
    /\ IF waitq # <<>>
         THEN /\ swx' = [swx EXCEPT ![<<k, "poll">>] = @ - 1]
              /\ swheld' = [swheld EXCEPT ![Head(waitq)] = HS[k]]
              /\ tstate' = [tstate EXCEPT ![Head(waitq)] = "polled"]
              /\ waitq' = Tail(waitq)
         ELSE /\ SWStep(k, "poll", "rel")      \* null: someone else took it
              /\ UNCHANGED <<swheld, tstate, waitq>>
    /\ UNCHANGED <<global, runs, fails, ens, mwx, vcur>>
    /\ SWUnchanged

SWRelease(k) ==                        \* ctl.blockingStartFailed(false); continue
    /\ swx[<<k, "rel">>] > 0
    /\ SWStep(k, "rel", "test")
    /\ UNCHANGED <<global, tstate, runs, fails, ens, mwx, waitq, vcur, swheld>>
    /\ SWUnchanged

SWStart(k, t) ==                       \* startVirtual(v, body), the place reserved
    /\ swheld[t] = HS[k]
    /\ \/ /\ VStart(t)
          /\ swheld' = [swheld EXCEPT ![t] = "-"]
          /\ swx' = [swx EXCEPT ![<<k, "test">>] = @ + 1]      \* the loop goes on
          /\ UNCHANGED <<fails>>
       \/ \* it fails: blockingStartFailed(false) gives the place back
          /\ fails < MaxStartFailures
          /\ fails' = fails + 1
          /\ swheld' = [swheld EXCEPT ![t] = HM[k]]
          /\ UNCHANGED <<tstate, runs, vpc, vcur, swx>>
    /\ UNCHANGED <<global, ens, mwx, waitq>>
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle, nsearch,
                   blockedOnce, subPc, bpc, bal, mw, spares, handoff, npre>>

\* After the failed start: global.offer(new Declared(body)), then every waiting body the same
\* way (the poll loop, one step here), wakeOne() (owed: mwx["call"]), return.
SWMove(k, t) ==
    /\ swheld[t] = HM[k]
    /\ swheld' = [swheld EXCEPT ![t] = "-"]
    /\ global' = global \o <<t>> \o waitq
    /\ tstate' = [u \in Tasks |-> IF u = t \/ u \in Range(waitq) THEN "queued" ELSE tstate[u]]
    /\ waitq' = <<>>
    /\ mwx' = [mwx EXCEPT !["call"] = @ + 1]
    /\ SWEnd(k, swx)
    /\ UNCHANGED <<runs, fails, vcur>>
    /\ SWUnchanged

\* An exiting thread after its startWaiting (or any caller of kind "N", GlobalRecheck):
\* if (!global.isEmpty()) wakeOne() (ExitWake).
SWExitGlobal ==
    /\ swx[<<"X", "g">>] > 0
    /\ swx' = [swx EXCEPT ![<<"X", "g">>] = @ - 1]
    /\ mwx' = IF global # <<>> THEN [mwx EXCEPT !["call"] = @ + 1] ELSE mwx
    /\ UNCHANGED <<global, tstate, runs, fails, ens, waitq, vcur, swheld>>
    /\ SWUnchanged

\* The second CAS of Ctl.reserveWorker, by a caller holding the place its first CAS took
\* ("rsv"): a slot free (counted < parallelism): CAS counted, RESERVED, startWorker (which may
\* fail as any start); else the slot went meanwhile: THREADS.getAndAdd(-1), PLACE_GIVEN_BACK,
\* and Lifecycle.maybeStartWorker calls Blocking.startWaiting (a caller of kind "N", "test"):
\* the give-back is a release of a place, and a body queued meanwhile found the place taken
\* and its submitter's re-check failed on it. Bug ReserveUndoNoWaitingRecheck: the give-back
\* alone (maybeStartWorker before PLACE_GIVEN_BACK), so nobody re-reads the queue.
SWCount ==
    /\ swx[<<"N", "rsv">>] > 0
    /\ LET swx0 == [swx EXCEPT ![<<"N", "rsv">>] = @ - 1] IN
       IF CtlCounted < Parallelism
         THEN StartWorkerFrom(pc, swx0)
         ELSE /\ swx' = IF Bug = "ReserveUndoNoWaitingRecheck" THEN swx0
                        ELSE [swx0 EXCEPT ![<<"N", "test">>] = @ + 1]
              /\ UNCHANGED <<pc, srch, nsearch, idle, permit, bal, fails, ens>>
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs, subPc,
                   bpc, mw, mwx, spares, handoff, npre, waitq, vpc, vcur, swheld>>

\* Blocking.runVirtual: the body returns (the environment decides when; fair under Spec, as a
\* blocking call's return), then body = waiting.poll(): run it on this thread, keeping the
\* place; or nothing: on to the exit. (The body's end and the poll are one step: between them
\* the thread only counts a statistic.)
VBodyEnd(i) ==
    /\ vpc[i] = "vrun"
    /\ IF waitq # <<>>
         THEN /\ vcur' = [vcur EXCEPT ![i] = Head(waitq)]
              /\ tstate' = [tstate EXCEPT ![vcur[i]] = "done", ![Head(waitq)] = "running"]
              /\ runs' = [runs EXCEPT ![Head(waitq)] = @ + 1]
              /\ waitq' = Tail(waitq)
              /\ UNCHANGED vpc
         ELSE /\ vcur' = [vcur EXCEPT ![i] = NoTask]
              /\ tstate' = [tstate EXCEPT ![vcur[i]] = "done"]
              /\ vpc' = [vpc EXCEPT ![i] = "vexit"]
              /\ UNCHANGED <<runs, waitq>>
    /\ UNCHANGED <<global, fails, ens, mwx, swx, swheld>>
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle, nsearch,
                   blockedOnce, subPc, bpc, bal, mw, spares, handoff, npre>>

\* Lifecycle.virtualBodyExited: Ctl.threadExited (the place is free), then startWaiting (a
\* caller of kind "X"). Bug ReleaseNoWaitingRecheck: straight on to the global queue's read.
VExit(i) ==
    /\ vpc[i] = "vexit"
    /\ vpc' = [vpc EXCEPT ![i] = "off"]
    /\ swx' = [swx EXCEPT ![<<"X", IF Bug = "ReleaseNoWaitingRecheck" THEN "g" ELSE "test">>]
                  = @ + 1]
    /\ UNCHANGED <<global, tstate, runs, fails, ens, mwx, waitq, vcur, swheld>>
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, idle, nsearch,
                   blockedOnce, subPc, bpc, bal, mw, spares, handoff, npre>>

\* The steps of the startWaiting callers of kind k, and of a virtual thread (its own steps;
\* its body's return is VBodyEnd).
PlaceWaiterProgram(k) ==
    \/ SWTest(k) \/ SWReserve(k) \/ SWPoll(k) \/ SWRelease(k)
    \/ \E t \in BPTasks : SWStart(k, t) \/ SWMove(k, t)
    \/ (k = "X" /\ SWExitGlobal)
    \/ (k = "N" /\ SWCount)

\* The submitter's own steps once a submission has begun.
SubmitterProgram == SubmitWake \/ SubmitBlockingStart \/ SubmitBlockingQueue
                    \/ SubmitVStart \/ SubmitAppend

-----------------------------------------------------------------------------
(* Worker.findTask, and the searching worker's hand-over in Worker.run. *)

\* Start running task t with the queues left as l (local) and g (global). A blocking-path task
\* taken from a queue is a Declared wrapper: its body is not run yet ("held").
Begin(w, t, l, g) ==
    /\ cur' = [cur EXCEPT ![w] = t]
    /\ IF t \in BPTasks
         THEN /\ tstate' = [tstate EXCEPT ![t] = "held"]
              /\ UNCHANGED runs
         ELSE /\ tstate' = [tstate EXCEPT ![t] = "running"]
              /\ runs' = [runs EXCEPT ![t] = @ + 1]
    /\ local' = [local EXCEPT ![w] = l]
    /\ global' = g
    /\ IF srch[w]
         THEN \* Ctl.searchingToRunning(); the last searcher goes on to the chain check
              /\ srch' = [srch EXCEPT ![w] = FALSE]
              /\ nsearch' = nsearch - 1
              /\ pc' = [pc EXCEPT ![w] = IF nsearch - 1 = 0 THEN "chain" ELSE RunPc(t)]
         ELSE /\ pc' = [pc EXCEPT ![w] = RunPc(t)]
              /\ UNCHANGED <<srch, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, idle, blockedOnce, subPc, bpc,
                   startVars>>

BatchSize == Min(Len(global) \div Max(1, CtlCounted) + 1,
                 IF LocalCap >= 2 THEN LocalCap \div 2 ELSE 1)

Find(w) ==
    /\ pc[w] = "find"
    /\ \/ \* every 61st task: one task from the global queue first (fairness)
          /\ global # <<>>
          /\ local[w] # <<>>
          /\ Begin(w, Head(global), local[w], Tail(global))
       \/ \* local.poll()
          /\ local[w] # <<>>
          /\ Begin(w, Head(local[w]), Tail(local[w]), global)
       \/ \* global.pollBatch(local, max) then local.poll()
          /\ local[w] = <<>>
          /\ global # <<>>
          /\ LET b == Front(global, BatchSize)
             IN Begin(w, Head(b), Tail(b), Rest(global, BatchSize))
       \/ \* nothing found: Worker.idle()
          /\ local[w] = <<>>
          /\ global = <<>>
          /\ pc' = [pc EXCEPT ![w] = "dec"]
          /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global,
                         idle, nsearch, tstate, blockedOnce, runs, subPc, bpc, startVars>>
       \/ \* nothing found, and AdaptiveSpin.wantsToSpin: Worker.spinBeforeParking. A worker
          \* not yet searching joins the count only if it is 0 (Ctl.startSpinningAlone, the
          \* CAS of IdleSet.tryStartSearchingAlone).
          /\ local[w] = <<>>
          /\ global = <<>>
          /\ srch[w] \/ nsearch = 0
          /\ pc' = [pc EXCEPT ![w] = "spin"]
          /\ srch' = [srch EXCEPT ![w] = TRUE]
          /\ nsearch' = IF srch[w] THEN nsearch ELSE nsearch + 1
          /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global,
                         idle, tstate, blockedOnce, runs, subPc, bpc, startVars>>

\* The spin ends: work appeared (back to findTask, still searching), or the deadline passed
\* (at any moment, even with work just arrived) and the worker goes idle as usual.
SpinFound(w) ==
    /\ pc[w] = "spin"
    /\ global # <<>>
    /\ pc' = [pc EXCEPT ![w] = "find"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

SpinGiveUp(w) ==
    /\ pc[w] = "spin"
    \* Bug SpinLeavesCount: the spinner parks still counted as searching.
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "SpinLeavesCount" THEN "push" ELSE "dec"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

Chain(w) ==                            \* Tokio's chain: the last searcher wakes the next one
    /\ pc[w] = "chain"
    /\ IF global # <<>>
         THEN WakeOneBy([pc EXCEPT ![w] = RunPc(cur[w])], w)
         ELSE /\ pc' = [pc EXCEPT ![w] = RunPc(cur[w])]
              /\ NoWake
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce,
                   runs, subPc, bpc>>

-----------------------------------------------------------------------------
(* Inside a task: spawn (Pool.dispatch on a worker), block, compensate, return. *)

CanAct(w) == pc[w] = "run" /\ waiting[w] = "no" /\ ~wk[w] /\ Free(w)

\* The running task may still enter a blocking call.
MayBlock(w) == /\ ~blockedOnce[cur[w]]
               /\ Cardinality({t \in Tasks : blockedOnce[t]}) < MaxBlocking

\* Pool.dispatch on the worker: local push (LocalQueue.offerOrOverflow), overflow, share.
SpawnLocal(w, t) ==
    IF Len(local[w]) < LocalCap
    THEN LET l == Append(local[w], t) IN
         IF Len(l) >= ShareThreshold /\ idle # {} /\ nsearch = 0
         THEN \* share half of the backlog: drainHalfTo(global), then wakeOne
              /\ local' = [local EXCEPT ![w] = Rest(l, Half(Len(l)))]
              /\ global' = global \o Front(l, Half(Len(l)))
              /\ wk' = [wk EXCEPT ![w] = TRUE]
         ELSE /\ local' = [local EXCEPT ![w] = l]
              /\ UNCHANGED <<global, wk>>
    ELSE \* overflow: the older half and the task to the global queue, then wakeOne, unless
         \* SharePolicy finds the spill not worth a wake-up (left open here) and the volatile
         \* read of the blocked flag after the spill sees it clear (Pool, "Overflow without a
         \* wake-up"); Bug OverflowSkipWhenBlocked skips whatever the flag says.
         /\ local' = [local EXCEPT ![w] = Rest(local[w], Half(Len(local[w])))]
         /\ global' = global \o Front(local[w], Half(Len(local[w]))) \o <<t>>
         /\ \/ wk' = [wk EXCEPT ![w] = TRUE]
            \/ /\ ~blocked[w] \/ Bug = "OverflowSkipWhenBlocked"
               /\ UNCHANGED wk

Spawn(w) ==
    /\ CanAct(w)
    /\ NewReg # {}
    /\ LET t == NextReg IN
       /\ tstate' = [tstate EXCEPT ![t] = "queued"]
       /\ \/ /\ ~blocked[w]
             /\ SpawnLocal(w, t)
          \/ \* a blocked worker's task: pushes go global (isBlockedOpaque) ...
             /\ blocked[w]
             /\ global' = Append(global, t)
             /\ wk' = [wk EXCEPT ![w] = TRUE]
             /\ UNCHANGED local
          \/ \* ... unless its opaque read still sees the flag clear (the balancer re-drains)
             /\ blocked[w]
             /\ SpawnLocal(w, t)
    /\ UNCHANGED <<pc, srch, blocked, waiting, permit, cur, idle, nsearch,
                   blockedOnce, runs, subPc, bpc, startVars>>

OwedWake(w) ==                         \* the wakeOne() the worker thread owes after a push
    /\ pc[w] = "run"
    /\ wk[w] /\ Free(w)
    /\ WakeOneBy(pc, w)
    /\ wk' = [wk EXCEPT ![w] = FALSE]
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

Block(w) ==                            \* an uncooperative blocking call (JDBC, sleep, lock)
    /\ CanAct(w)
    /\ MayBlock(w)
    /\ waiting' = [waiting EXCEPT ![w] = "wait"]
    /\ blockedOnce' = [blockedOnce EXCEPT ![cur[w]] = TRUE]
    /\ UNCHANGED <<pc, srch, blocked, wk, permit, cur, local, global, idle, nsearch,
                   tstate, runs, subPc, bpc, startVars>>

\* Compensator.beginBlocking (Task.join, blockOn) -> Blocking.beginCompensation ->
\* Blocking.markBlocked(self): Ctl.runningToBlocked (counted--), the owner drains its whole
\* queue (drainLocalToGlobal), then wakeOne if work waits; then the wait.
Compensate(w) ==
    /\ CanAct(w)
    /\ ~blocked[w]
    /\ MayBlock(w)
    /\ blocked' = [blocked EXCEPT ![w] = TRUE]
    /\ waiting' = [waiting EXCEPT ![w] = "comp"]
    /\ blockedOnce' = [blockedOnce EXCEPT ![cur[w]] = TRUE]
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ wk' = [wk EXCEPT ![w] = global' # <<>>]
    /\ UNCHANGED <<pc, srch, permit, cur, idle, nsearch, tstate, runs, subPc, bpc,
                   startVars>>

\* The blocking call returns; after a compensated wait, Compensator.endBlocking ->
\* Blocking.endCompensation tries to rejoin (Blocking.tryRejoin, Ctl.blockedToRunning:
\* counted++ if below parallelism).
Unblock(w) ==
    /\ pc[w] = "run"
    /\ waiting[w] # "no"
    /\ ~wk[w] /\ Free(w)
    /\ waiting' = [waiting EXCEPT ![w] = "no"]
    /\ blocked' = [blocked EXCEPT ![w] =
                     IF waiting[w] = "comp" /\ CtlCounted < Parallelism
                       THEN FALSE ELSE @]
    /\ UNCHANGED <<pc, srch, wk, permit, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* Worker.run after runTask: the next findTask; if the worker is blocked,
\* Blocking.afterBlockedTask: Blocking.tryRejoin (Ctl.blockedToRunning), or
\* drainLocalToGlobal and (next step) wakeOne if work waits, then Spares.await.
AfterTask(w) ==
    IF ~blocked[w]
      THEN /\ pc' = [pc EXCEPT ![w] = "find"]
           /\ UNCHANGED <<blocked, local, global>>
    ELSE IF CtlCounted < Parallelism
      THEN \* Blocking.tryRejoin: counted again, goes on as RUNNING (not searching)
           /\ pc' = [pc EXCEPT ![w] = "find"]
           /\ blocked' = [blocked EXCEPT ![w] = FALSE]
           /\ UNCHANGED <<local, global>>
    ELSE \* drainLocalToGlobal, then (next step) wakeOne if work waits, then a spare
           /\ pc' = [pc EXCEPT ![w] = "rwake"]
           /\ UNCHANGED blocked
           /\ IF Bug = "RetireNoDrain"
                THEN UNCHANGED <<local, global>>
                ELSE /\ global' = global \o local[w]
                     /\ local' = [local EXCEPT ![w] = <<>>]

\* The task returns.
Complete(w) ==
    /\ CanAct(w)
    /\ tstate' = [tstate EXCEPT ![cur[w]] = "done"]
    /\ cur' = [cur EXCEPT ![w] = NoTask]
    /\ AfterTask(w)
    /\ UNCHANGED <<srch, waiting, wk, permit, idle, nsearch, blockedOnce, runs, subPc,
                   bpc, startVars>>

RetireWake(w) ==             \* Blocking.afterBlockedTask: if (!global.isEmpty()) wakeOne()
    /\ pc[w] = "rwake"
    /\ IF global # <<>>
         THEN WakeOneBy([pc EXCEPT ![w] = "spush"], w)
         ELSE /\ pc' = [pc EXCEPT ![w] = "spush"]
              /\ NoWake
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc>>

\* Lifecycle.onWorkerExit: Ctl.threadExited (threads--), the slot is reset for reuse; then
\* (ExitWake, the exiting thread's last step, once threads-- is visible to the wake's start)
\* wakeOne if work waits. With virtual threads Blocking.startWaiting comes in between (the
\* exiting thread is a startWaiting caller of kind "X", whose loop ends with the read of the
\* global queue, SWExitGlobal); without, startWaiting returns at once and the read is merged
\* with threadExited, as before.
Exit(w) ==
    /\ pc[w] = "exit"
    /\ pc' = [pc EXCEPT ![w] = "off"]
    /\ blocked' = [blocked EXCEPT ![w] = FALSE]
    /\ IF VirtualThreads
         THEN /\ swx' = [swx EXCEPT ![<<"X", "test">>] = @ + 1]
              /\ UNCHANGED mwx
         ELSE /\ mwx' = IF global # <<>> THEN [mwx EXCEPT !["call"] = @ + 1] ELSE mwx
              /\ UNCHANGED swx
    /\ UNCHANGED <<srch, waiting, wk, permit, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, bal, fails, ens, mw, spares, handoff, npre,
                   waitq, vpc, vcur, swheld>>

ExitWake ==
    /\ mwx["call"] > 0
    /\ WakeOneBy(pc, ExitId)
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs, subPc,
                   bpc>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* A queued blocking-path task on a worker (Blocking.Declared.run): try    *)
(* the hand-off again (a spare, then a new thread under the cap), else     *)
(* mark the worker blocked (Blocking.markBlocked(w, DECLARED):             *)
(* Ctl.runningToBlocked, drainLocalToGlobal, wakeOne if work waits) and    *)
(* run the body on it.                                                     *)
(***************************************************************************)
DeclPop(w) ==                          \* Blocking.handOff: Spares.popForBody(body)
    /\ pc[w] = "decl"
    /\ IF spares # {} /\ ~VirtualThreads        \* with virtual threads no spare is popped
         THEN /\ \E v \in spares : PopForBody(v, cur[w])
              /\ pc' = [pc EXCEPT ![w] = "dret"]
              /\ cur' = [cur EXCEPT ![w] = NoTask]
         ELSE /\ pc' = [pc EXCEPT ![w] = "dres"]
              /\ UNCHANGED <<spares, handoff, permit, tstate, cur>>
    /\ UNCHANGED <<srch, blocked, waiting, wk, local, global, idle, nsearch, blockedOnce,
                   runs, subPc, bpc, bal, fails, ens, mw, mwx, npre, virtVars>>

\* Ctl.reserveBlockingThread, then startBlockingWorker; with virtual threads the reservation
\* only (the start is DeclVStart).
DeclStart(w) ==
    /\ pc[w] = "dres"
    /\ \/ /\ VirtualThreads
          /\ pc' = [pc EXCEPT ![w] = IF CanReserveV THEN "dvst" ELSE "dmark"]
          /\ UNCHANGED <<cur, blocked, srch, permit, tstate, runs, bal, fails>>
       \/ /\ ~VirtualThreads
          /\ CanStartBlocking
          /\ BornBlocked(cur[w], [pc EXCEPT ![w] = "dret"], [cur EXCEPT ![w] = NoTask])
       \/ /\ ~VirtualThreads
          /\ CanStartBlocking
          /\ fails < MaxStartFailures
          /\ fails' = fails + 1
          /\ pc' = [pc EXCEPT ![w] = "dmark"]
          /\ UNCHANGED <<cur, blocked, srch, permit, tstate, runs, bal>>
       \/ /\ ~VirtualThreads
          /\ CanStartBlocking
          /\ DoomedBlocking([pc EXCEPT ![w] = "dmark"])
          /\ UNCHANGED <<cur, tstate, runs>>
       \/ /\ ~VirtualThreads
          /\ ~CanStartBlocking
          /\ pc' = [pc EXCEPT ![w] = "dmark"]
          /\ UNCHANGED <<cur, blocked, srch, permit, tstate, runs, bal, fails>>
    /\ UNCHANGED <<waiting, wk, local, global, idle, nsearch, blockedOnce, subPc, bpc, ens,
                   mw, mwx, spares, handoff, npre, virtVars>>

\* A Declared task's handOff with virtual threads: startVirtual(v, body), a place reserved.
\* Success: the wrapper returns. Failure: blockingStartFailed(false) gives the place back; then
\* startWaiting (a caller of kind "N": a release of a place, so a re-check; the worker goes
\* on at once, which only adds behaviours), then markBlocked and the body on this worker.
\* Bug DeclaredNoWaitingRecheck: no startWaiting (Blocking.Declared.run as the code has it: see
\* MODEL.md, Open issues).
DeclVStart(w) ==
    /\ pc[w] = "dvst"
    /\ \/ /\ VStart(cur[w])
          /\ pc' = [pc EXCEPT ![w] = "dret"]
          /\ cur' = [cur EXCEPT ![w] = NoTask]
          /\ UNCHANGED <<fails, swx>>
       \/ /\ fails < MaxStartFailures
          /\ fails' = fails + 1
          /\ pc' = [pc EXCEPT ![w] = "dmark"]
          /\ swx' = IF Bug = "DeclaredNoWaitingRecheck" THEN swx
                     ELSE [swx EXCEPT ![<<"N", "test">>] = @ + 1]
          /\ UNCHANGED <<cur, tstate, runs, vpc, vcur>>
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, local, global, idle, nsearch,
                   blockedOnce, subPc, bpc, bal, ens, mw, mwx, spares, handoff, npre, waitq,
                   swheld>>

\* No thread: markBlocked (a CAS: fails if the balancer marked it meanwhile, and then does
\* nothing), then body.run() on this worker.
DeclMark(w) ==
    /\ pc[w] = "dmark"
    /\ pc' = [pc EXCEPT ![w] = "run"]
    /\ tstate' = [tstate EXCEPT ![cur[w]] = "running"]
    /\ runs' = [runs EXCEPT ![cur[w]] = @ + 1]
    /\ IF ~blocked[w]
         THEN /\ blocked' = [blocked EXCEPT ![w] = TRUE]
              /\ global' = global \o local[w]
              /\ local' = [local EXCEPT ![w] = <<>>]
              /\ wk' = [wk EXCEPT ![w] = global' # <<>>]
         ELSE UNCHANGED <<blocked, global, local, wk>>
    /\ UNCHANGED <<srch, waiting, permit, cur, idle, nsearch, blockedOnce, subPc, bpc,
                   startVars>>

DeclReturn(w) ==                       \* the hand-off succeeded: the wrapper returns
    /\ pc[w] = "dret"
    /\ AfterTask(w)
    /\ UNCHANGED <<srch, waiting, wk, permit, cur, idle, nsearch, tstate, blockedOnce, runs,
                   subPc, bpc, startVars>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* A spare (Spares.await, Spares.park).  Publish (Ctl.blockedToSpare,      *)
(* Spares.push), re-check (ctl.counted() < parallelism, then               *)
(* !global.isEmpty()): if there is work and a slot, take itself out        *)
(* (Spares.remove, Ctl.spareToAwake) and rejoin (Ctl.blockedToRunning:     *)
(* REJOINED) or, the slot gone meanwhile, publish again; if the removal    *)
(* fails it was popped and takes its hand-off.  Otherwise park until it is *)
(* handed REJOIN (counted and searching: its popper reserved the slot and  *)
(* counted it) or a body (run still blocked, then afterBlockedTask again), *)
(* or its keep-alive passes: then remove itself and exit, or, popped       *)
(* meanwhile, take the hand-off.                                           *)
(***************************************************************************)
SparePush(w) ==
    /\ pc[w] = "spush"
    /\ spares' = spares \cup {w}
    \* Bug SpareNoRecheck: park right after the push.
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "SpareNoRecheck" THEN "spark" ELSE "sc1"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, bal, fails, ens, mw, mwx, handoff, npre,
                   virtVars>>

SpareCheckCounted(w) ==                \* ctl.counted() < pool.parallelism
    /\ pc[w] = "sc1"
    /\ pc' = [pc EXCEPT ![w] = IF CtlCounted < Parallelism THEN "sc2" ELSE "spark"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

SpareCheckGlobal(w) ==                 \* !global.isEmpty(), then remove(w), spareToAwake
    /\ pc[w] = "sc2"
    /\ IF global # <<>> /\ w \in spares
         THEN /\ spares' = spares \ {w}
              /\ pc' = [pc EXCEPT ![w] = "srj"]
         ELSE \* park; or, popped meanwhile, take the hand-off (set under the lock)
              /\ pc' = [pc EXCEPT ![w] = "spark"]
              /\ UNCHANGED spares
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, bal, fails, ens, mw, mwx, handoff, npre,
                   virtVars>>

SpareRejoin(w) ==                      \* Ctl.blockedToRunning: REJOINED, or `continue`
    /\ pc[w] = "srj"
    /\ IF CtlCounted < Parallelism
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]       \* counted, not searching
              /\ blocked' = [blocked EXCEPT ![w] = FALSE]
         ELSE /\ pc' = [pc EXCEPT ![w] = "spush"]
              /\ UNCHANGED blocked
    /\ UNCHANGED <<srch, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

\* Spares.park reads the hand-off (set by its popper under the lock, before the unpark; the
\* unpark's permit may be consumed now or be left stale). REJOIN: Worker.afterBlocked
\* clears the flag, searching (the popper counted it); a body: runTask, still blocked.
SpareTakes(w) ==
    /\ pc[w] = "spark"
    /\ handoff[w] # NoTask
    /\ handoff' = [handoff EXCEPT ![w] = NoTask]
    /\ permit' = [permit EXCEPT ![w] = FALSE]
    /\ IF handoff[w] = Rejoin
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ blocked' = [blocked EXCEPT ![w] = FALSE]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ UNCHANGED <<cur, tstate, runs>>
         ELSE /\ pc' = [pc EXCEPT ![w] = "run"]
              /\ cur' = [cur EXCEPT ![w] = handoff[w]]
              /\ tstate' = [tstate EXCEPT ![handoff[w]] = "running"]
              /\ runs' = [runs EXCEPT ![handoff[w]] = @ + 1]
              /\ UNCHANGED <<blocked, srch>>
    /\ UNCHANGED <<waiting, wk, local, global, idle, nsearch, blockedOnce, subPc, bpc,
                   bal, fails, ens, mw, mwx, spares, npre, virtVars>>

\* Parker.park(keepAlive) returned false (the environment decides when). A permit while the
\* spare is still in the set is stale (a popper takes it out first): absorbed by the loop.
SpareTimeout(w) ==
    /\ pc[w] = "spark"
    /\ ~permit[w] \/ w \in spares
    /\ pc' = [pc EXCEPT ![w] = "sto"]
    /\ permit' = [permit EXCEPT ![w] = FALSE]
    /\ UNCHANGED <<srch, blocked, waiting, wk, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

\* handoff == null && remove(w): retire (retiredWhileParked: not counted awake), exit; the
\* removal failed: popped just now, read the hand-off.
SpareTimedOut(w) ==
    /\ pc[w] = "sto"
    /\ IF w \in spares
         THEN /\ spares' = spares \ {w}
              /\ pc' = [pc EXCEPT ![w] = "exit"]
         \* Bug SpareTimeoutIgnoresPop: exit although the removal failed.
         ELSE /\ pc' = [pc EXCEPT ![w] = IF Bug = "SpareTimeoutIgnoresPop" THEN "exit"
                                                                          ELSE "spark"]
              /\ UNCHANGED spares
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, bal, fails, ens, mw, mwx, handoff, npre,
                   virtVars>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The rest of Lifecycle.maybeStartWorker's spare branch, on the waker's   *)
(* thread (mw): Ctl.reserveSlot (a slot free: counted++; else on to        *)
(* Ctl.reserveWorker); Spares.popToSearch (under the set's lock: pop,      *)
(* Ctl.spareToSearching, handoff = REJOIN; then unpark), or, the set empty *)
(* by now, Ctl.releaseSlot; then the loop's test again (spares.size() > 0: *)
(* back to Ctl.reserveSlot), and once it fails Ctl.reserveWorker and       *)
(* startWorker.                                                            *)
(*                                                                         *)
(* Why the second read of the size: while the waker held its reserved      *)
(* slot, a spare that had taken itself out for its own rejoin was refused  *)
(* the slot (Ctl.blockedToRunning), re-published itself and parked, its    *)
(* re-check having read counted with the waker's slot in it.  The release  *)
(* (an RMW of counted) then the read of the size, against the spare's push *)
(* (a volatile size store) then its read of counted, is a Dekker pair: the *)
(* waker sees the spare, or the spare sees the slot free.  Without the     *)
(* second read (Bug WakerNoRecheckAfterRelease, the code before the fix)   *)
(* the waker goes on to Ctl.reserveWorker, which at MaxThreads fails, and  *)
(* the work waits for a keep-alive (NoStrandedTask is violated).           *)
(*                                                                         *)
(* The same loop is Lifecycle.rejoinSpare, which a failed starter runs     *)
(* from Pool.wakeSleeper when it found no searcher and no sleeper          *)
(* (FailId, counted in mwx): it ends without Ctl.reserveWorker (a start    *)
(* there could recurse while the factory keeps failing), at "fens", the    *)
(* catch's balancer.ensureRunning() (StarterEnsure).                       *)
(***************************************************************************)
WakerUnchanged == UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, global,
                              idle, nsearch, tstate, blockedOnce, runs, subPc, bpc, bal,
                              fails, ens, spares, handoff, npre, virtVars>>

\* The caller c's stage moves from s0 to s1 (ExitId: one of the exiting threads' wakes;
\* FailId: one of the failed starters in rejoinSpare, whose "start" and "none" are both
\* "fens": the loop is over, ensureRunning() is still owed, and no thread is started).
Anon(c) == c \in {ExitId, FailId}
FKey == [s \in MWStages |-> CASE s = "size"  -> "fsize"
                              [] s = "slot"  -> "fslot"
                              [] s = "rel"   -> "frel"
                              [] s = "again" -> "fagain"
                              [] OTHER       -> "fens"]
Key(c, s) == IF c = FailId THEN FKey[s] ELSE s
Stage(c, s0) == IF Anon(c) THEN mwx[Key(c, s0)] > 0 ELSE mw[c] = s0
Move(c, s0, s1) ==
    IF Anon(c)
      THEN /\ mwx' = [k \in XSteps |-> mwx[k] - (IF k = Key(c, s0) THEN 1 ELSE 0)
                                            + (IF k = Key(c, s1) THEN 1 ELSE 0)]
           /\ UNCHANGED mw
      ELSE /\ mw' = [mw EXCEPT ![c] = s1]
           /\ UNCHANGED mwx
\* The balancer's tick ends when its wakeOne does.
WakerDone(c) == bpc' = IF c = BalId THEN (IF bpc = "wakeEnd" THEN "end" ELSE "scan") ELSE bpc

WakerReserve(c) ==                     \* Ctl.reserveSlot, else on to Ctl.reserveWorker
    /\ Stage(c, "size")
    /\ Move(c, "size", IF CtlCounted < Parallelism THEN "slot" ELSE "start")
    /\ WakerUnchanged

WakerPop(c) ==                         \* Spares.popToSearch
    /\ Stage(c, "slot")
    /\ IF spares # {}
         THEN /\ \E v \in spares :
                   /\ spares' = spares \ {v}
                   /\ handoff' = [handoff EXCEPT ![v] = Rejoin]
                   /\ nsearch' = nsearch + 1          \* Ctl.spareToSearching
                   /\ permit' = [permit EXCEPT ![v] = TRUE]
              /\ Move(c, "slot", "none")
              /\ WakerDone(c)
         ELSE /\ Move(c, "slot", "rel")
              /\ UNCHANGED <<spares, handoff, nsearch, permit, bpc>>
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, cur, local, global, idle, tstate,
                   blockedOnce, runs, subPc, bal, fails, ens, npre, virtVars>>

WakerRelease(c) ==                     \* Ctl.releaseSlot
    /\ Stage(c, "rel")
    \* Bug WakerNoRecheckAfterRelease: straight on to Ctl.reserveWorker (an `if`, not a loop).
    /\ Move(c, "rel", IF Bug = "WakerNoRecheckAfterRelease" THEN "start" ELSE "again")
    /\ WakerUnchanged

WakerAgain(c) ==                       \* the loop's test again: spares.size() > 0
    /\ Stage(c, "again")
    /\ Move(c, "again", IF spares # {} THEN "size" ELSE "start")
    /\ WakerUnchanged

WakerStart(c) ==                       \* Ctl.reserveWorker, startWorker
    /\ c # FailId                            \* rejoinSpare never starts: StarterEnsure
    /\ Stage(c, "start")
    /\ Move(c, "start", "none")
    /\ IF CanStart
         THEN ReserveWorker(pc)
         ELSE /\ UNCHANGED pc
              /\ UNCHANGED <<srch, nsearch, idle, permit, bal, fails, ens, swx>>
    /\ WakerDone(c)
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc, spares, handoff, npre>>

WakerProgram(c) == WakerReserve(c) \/ WakerPop(c) \/ WakerRelease(c) \/ WakerAgain(c)
                   \/ WakerStart(c)
                   \/ (c = ExitId /\ ExitWake)

WakerIds == Callers \cup {ExitId, FailId}


-----------------------------------------------------------------------------
(* Worker.idle: stop searching, publish, re-check, park. *)

StopSearching(w) ==
    /\ pc[w] = "dec"
    /\ pc' = [pc EXCEPT ![w] = "push"]
    /\ IF srch[w]
         THEN /\ srch' = [srch EXCEPT ![w] = FALSE]
              /\ nsearch' = nsearch - 1
         ELSE UNCHANGED <<srch, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, idle, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

Publish(w) ==                          \* IdleSet.push(this)
    /\ pc[w] = "push"
    /\ idle' = idle \cup {w}
    /\ pc' = [pc EXCEPT ![w] = IF Bug = "ParkNoRecheck" THEN "parked" ELSE "check"]
    /\ UNCHANGED <<srch, blocked, waiting, wk, permit, cur, local, global, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, startVars>>

Recheck(w) ==                          \* if (!global.isEmpty()) { remove or popped } else park
    /\ pc[w] = "check"
    /\ IF global # <<>>
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ IF w \in idle
                   THEN /\ idle' = idle \ {w}   \* removed itself: Ctl.recheckToSearching
                        /\ nsearch' = nsearch + 1
                   ELSE UNCHANGED <<idle, nsearch>>    \* a waker popped it and counted it
         ELSE /\ pc' = [pc EXCEPT ![w] = "parked"]
              /\ UNCHANGED <<srch, idle, nsearch>>
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* Parker.park(keepAlive) returned true (permit consumed), then the isIdle() check: woken
\* only if no longer in the IdleSet; a stale permit (left by a waker that popped the worker
\* during its re-check or its timeout) is absorbed and the worker parks again.
WakeUp(w) ==
    /\ pc[w] = "parked"
    /\ permit[w]
    /\ permit' = [permit EXCEPT ![w] = FALSE]
    /\ IF w \notin idle \/ Bug = "WakeByPermit"
         THEN /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
         ELSE UNCHANGED <<pc, srch>>
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* Parker.park returned false (keep-alive passed): still in the set -> remove,
\* Ctl.parkedToRetired (counted--), exit; popped meanwhile -> searching (the waker counted
\* it).
KeepAliveExpires(w) ==
    /\ pc[w] = "parked"
    /\ ~permit[w]
    /\ IF w \in idle
         THEN /\ idle' = idle \ {w}
              /\ pc' = [pc EXCEPT ![w] = "exit"]
              /\ UNCHANGED srch
         ELSE /\ pc' = [pc EXCEPT ![w] = "find"]
              /\ srch' = [srch EXCEPT ![w] = TRUE]
              /\ UNCHANGED idle
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

-----------------------------------------------------------------------------
(***************************************************************************)
(* The balancer (Balancer.tick).  One atomic step per worker visited (each *)
(* is one try-locked queue operation and/or the blocked CAS), then the end *)
(* of the tick: wakeOne if the global queue is not empty.  It ticks only   *)
(* while some worker is awake (a blocked worker is awake), and only while  *)
(* its thread is in its loop (bal = "loop").                               *)
(***************************************************************************)
\* After a per-worker action the tick owes its closing wakeOne; if the balancer is in a tick's
\* wakeOne (bpc = "wake"), it owes another one after it ("wakeEnd"). (The per-worker duties
\* stay enabled while the balancer is in its wakeOne, so weak fairness still means "every
\* tick visits every worker"; the interleavings this adds are extra behaviours.)
TickGoesOn == IF bpc \in {"wake", "wakeEnd"} THEN "wakeEnd" ELSE "end"

BalUnchanged == UNCHANGED <<srch, waiting, wk, permit, cur, idle, nsearch, tstate,
                            blockedOnce, runs, subPc, startVars>>

\* A stalled (not blocked) worker: drainHalfTo(global).  "Stalled" (same progress counter
\* as at the last tick) is left to nondeterminism: any worker inside a task may be stalled
\* (a Declared wrapper too).
BalanceStalled(w) ==
    /\ pc[w] \in InTask /\ ~blocked[w]
    /\ bal = "loop"
    /\ local[w] # <<>>
    /\ global' = global \o Front(local[w], Half(Len(local[w])))
    /\ local' = [local EXCEPT ![w] = Rest(local[w], Half(Len(local[w])))]
    /\ bpc' = TickGoesOn
    /\ UNCHANGED <<pc, blocked>>
    /\ BalUnchanged

\* Preemption: StallDetector.judge's verdict, acted on in Balancer.tick: Blocking.markBlocked
\* (Ctl.runningToBlocked: counted--; drainAllTo(global)).  Enabled for any worker inside a
\* task (COMPUTING: the threshold for long computations); forced (fairness) for a waiting
\* thread (WAITING). A worker not inside a blocking call is preempted at most MaxPreempt times
\* in a behaviour (a bound on the state space: each such preemption makes a blocked worker,
\* and so a spare).
Preempt(w) ==
    /\ pc[w] \in InTask /\ ~blocked[w]
    /\ bal = "loop"
    /\ waiting[w] # "no" \/ npre < MaxPreempt
    /\ npre' = IF waiting[w] = "no" THEN npre + 1 ELSE npre
    /\ blocked' = [blocked EXCEPT ![w] = TRUE]
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ bpc' = TickGoesOn
    /\ UNCHANGED pc
    /\ UNCHANGED <<srch, waiting, wk, permit, cur, idle, nsearch, tstate, blockedOnce, runs,
                   subPc, bal, fails, ens, mw, mwx, spares, handoff, virtVars>>

PreemptWaiting(w) == waiting[w] # "no" /\ Preempt(w)

\* Every tick re-drains a blocked worker's queue (its task may still push locally).
RedrainBlocked(w) ==
    /\ blocked[w]
    /\ bal = "loop"
    /\ pc[w] \in InTask \cup {"rwake"}
    /\ Bug # "DrainBlockedOnce"
    /\ local[w] # <<>>
    /\ global' = global \o local[w]
    /\ local' = [local EXCEPT ![w] = <<>>]
    /\ bpc' = TickGoesOn
    /\ UNCHANGED <<pc, blocked>>
    /\ BalUnchanged

\* A tick that moved nothing still wakes a sleeper when work waits (the safety net).
IdleTick ==
    /\ bpc = "scan"
    /\ bal = "loop"
    /\ global # <<>>
    /\ \E w \in Slots : Awake(w)
    /\ bpc' = TickGoesOn
    /\ UNCHANGED <<pc, blocked, local, global>>
    /\ BalUnchanged

TickEnd ==                             \* if (wake || !global.isEmpty()) wakeOne()
    /\ bpc = "end"
    /\ IF global # <<>>
         THEN WakeOneBy(pc, BalId)
         ELSE UNCHANGED wakeVars
    /\ bpc' = IF global # <<>> /\ SpareBranch THEN "wake" ELSE "scan"
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc>>

(***************************************************************************)
(* The balancer thread's life (Balancer.run, ensureRunning), and the retry *)
(* of a failed start.  The thread exits when ctl.threads() == 0 and        *)
(* !needsStartRetry(), i.e. no thread and an empty global queue: it reads  *)
(* that, publishes STOPPED, re-checks, and CASes back to RUNNING if a      *)
(* thread or work appeared meanwhile.  Every start, and every starter      *)
(* after a failed start, calls ensureRunning() after it published (the     *)
(* thread count, or the undo with the work still queued): a Dekker pair    *)
(* with the exit.  Between its ticks, with no worker awake and             *)
(* needsStartRetry() (work waits, no thread), it calls retryStart().       *)
(***************************************************************************)
NoThreadNoWork == NThreads = 0 /\ global = <<>>   \* threads() == 0 && !needsStartRetry()

BalOnly == UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle,
                       nsearch, tstate, blockedOnce, runs, subPc, bpc, fails, ens, mw, mwx,
                       spares, handoff, npre, virtVars>>

BalExit ==                        \* if (ctl.threads() == 0 && !life.needsStartRetry())
    /\ bal = "loop" /\ bpc = "scan"
    /\ NoThreadNoWork
    /\ bal' = "exit"
    /\ BalOnly

BalStop ==                             \* state = STOPPED
    /\ bal = "exit"
    /\ bal' = "stop"
    /\ BalOnly

BalRecheck ==                          \* re-check: return, or CAS STOPPED -> RUNNING
    /\ bal = "stop"
    \* Bug BalancerExitNoRecheck: return right after publishing STOPPED.
    /\ bal' = IF NoThreadNoWork \/ Bug = "BalancerExitNoRecheck" THEN "off" ELSE "loop"
    /\ BalOnly

\* Between ticks, no worker awake and Lifecycle.needsStartRetry(): Lifecycle.retryStart() ->
\* maybeStartWorker(). (With no thread, no worker is searching or idle and there is no spare;
\* Ctl.reserveWorker still refuses while wakers hold reserved slots.)
BalRetry ==
    /\ bal = "loop" /\ bpc = "scan"
    /\ Threads = {} /\ global # <<>>
    /\ CanStart                  \* Ctl.reserveWorker: wakers may hold reserved slots
    /\ ReserveWorker(pc)
    /\ NotVirt
    /\ UNCHANGED <<blocked, waiting, wk, cur, local, global, tstate, blockedOnce, runs,
                   subPc, bpc, mw, mwx, spares, handoff, npre>>

\* Lifecycle.startWorker's catch after Thread.start() threw: unregister, Ctl.startFailed
\* (counted--, threads--, decrementSearching, awake--); then (next step, EnsureOwed) the
\* wake of a sleeper and balancer.ensureRunning(). Any starter, the balancer included.
StartFails(w) ==
    /\ pc[w] = "fail"
    /\ pc' = [pc EXCEPT ![w] = "off"]
    /\ srch' = [srch EXCEPT ![w] = FALSE]
    /\ nsearch' = nsearch - 1
    /\ FailedStartOwes
    /\ UNCHANGED <<blocked, waiting, wk, permit, cur, local, global, idle, tstate,
                   blockedOnce, runs, subPc, bpc, bal, fails, mw, mwx, spares, handoff, npre,
                   waitq, vpc, vcur, swheld>>

\* Lifecycle.startBlockingWorker's catch after Thread.start() threw: unregister,
\* Ctl.blockingStartFailed(true) (threads--, awake--). Its caller keeps the body (above).
BlockingStartFails(w) ==
    /\ pc[w] = "bfail"
    /\ pc' = [pc EXCEPT ![w] = "off"]
    /\ blocked' = [blocked EXCEPT ![w] = FALSE]
    /\ UNCHANGED <<srch, waiting, wk, permit, cur, local, global, idle, nsearch, tstate,
                   blockedOnce, runs, subPc, bpc, startVars>>

\* The rest of startWorker's catch: if the global queue is not empty, Pool.wakeSleeper()
\* (the half of wakeOne that never starts a worker: nothing if a worker is searching, else
\* pop a sleeper, counted as searching, and unpark it; no sleeper: Lifecycle.rejoinSpare,
\* the spare loop of maybeStartWorker without its Ctl.reserveWorker), for a wakeOne that
\* trusted the doomed searcher, or a spare that parked while the doomed start held the last
\* parallelism slot; then balancer.ensureRunning(), the retry.
\* Bug LateStartFailNoWake: no wake (the code before Pool.wakeSleeper), only ensureRunning().
\* Bug StartFailNoSparePop: wakeSleeper wakes IdleSet sleepers only, never a spare (the code
\* before rejoinSpare; Spares_startfail_strand.cfg found it: NoStrandedSpare is violated).
WakeSleeper ==
    IF global # <<>> /\ nsearch = 0 /\ idle # {} /\ Bug # "LateStartFailNoWake"
    THEN \E v \in idle :
            /\ idle' = idle \ {v}
            /\ nsearch' = nsearch + 1
            /\ permit' = [permit EXCEPT ![v] = TRUE]
    ELSE UNCHANGED <<idle, nsearch, permit>>

\* wakeSleeper found no searcher and no sleeper, and spares.size() > 0 (read with the rest, as
\* WakeOneBy reads it): the spare loop follows (the waker steps, FailId), then StarterEnsure.
StarterRejoins ==
    /\ global # <<>> /\ nsearch = 0 /\ idle = {} /\ spares # {}
    /\ Bug \notin {"LateStartFailNoWake", "StartFailNoSparePop"}

EnsureOwed ==
    /\ ens > 0
    /\ ens' = ens - 1
    /\ IF StarterRejoins
         THEN /\ mwx' = [mwx EXCEPT !["fsize"] = @ + 1]
              /\ UNCHANGED <<idle, nsearch, permit, bal>>
         ELSE /\ WakeSleeper
              /\ bal' = EnsureRunning
              /\ UNCHANGED mwx
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, cur, local, global,
                   tstate, blockedOnce, runs, subPc, bpc, fails, mw, spares, handoff, npre,
                   virtVars>>

\* The catch's balancer.ensureRunning() after rejoinSpare (a spare popped or not).
StarterEnsure ==
    /\ mwx["fens"] > 0
    /\ mwx' = [mwx EXCEPT !["fens"] = @ - 1]
    /\ bal' = EnsureRunning
    /\ UNCHANGED <<pc, srch, blocked, waiting, wk, permit, cur, local, global, idle, nsearch,
                   tstate, blockedOnce, runs, subPc, bpc, fails, ens, mw, spares, handoff,
                   npre, virtVars>>

\* The balancer thread's own steps, and the steps of a starter whose start failed.
BalancerProgram == BalStop \/ BalRecheck \/ BalRetry
StarterProgram == EnsureOwed \/ StarterEnsure
                  \/ \E w \in Slots : StartFails(w) \/ BlockingStartFails(w)

-----------------------------------------------------------------------------
\* All tasks done and every thread gone: the behaviour may stop here (not a deadlock).
Quiescent ==
    /\ \A t \in Tasks : tstate[t] = "done"
    /\ \A w \in Slots : pc[w] = "off"
    /\ \A i \in BPTasks : vpc[i] = "off"
    /\ subPc = "idle" /\ bpc = "scan"
    /\ UNCHANGED vars

\* The steps a worker thread takes by itself, one at a time in program order.
WorkerProgram(w) ==
    \/ Find(w) \/ Chain(w) \/ OwedWake(w) \/ Complete(w)
    \/ RetireWake(w) \/ Exit(w)
    \/ SpinFound(w) \/ SpinGiveUp(w)
    \/ StopSearching(w) \/ Publish(w) \/ Recheck(w) \/ WakeUp(w)
    \/ DeclPop(w) \/ DeclStart(w) \/ DeclVStart(w) \/ DeclMark(w) \/ DeclReturn(w)
    \/ SparePush(w) \/ SpareCheckCounted(w) \/ SpareCheckGlobal(w) \/ SpareRejoin(w)
    \/ SpareTakes(w) \/ SpareTimedOut(w)

Next ==
    \/ SubmitOutside \/ SubmitBlocking \/ SubmitterProgram
    \/ \E w \in Slots :
          \/ WorkerProgram(w)
          \/ Spawn(w) \/ Block(w) \/ Compensate(w) \/ Unblock(w) \/ KeepAliveExpires(w)
          \/ SpareTimeout(w)
          \/ BalanceStalled(w) \/ Preempt(w) \/ RedrainBlocked(w)
    \/ \E c \in WakerIds : WakerProgram(c)
    \/ \E k \in SWKinds : PlaceWaiterProgram(k)
    \/ \E i \in VIds : VBodyEnd(i) \/ VExit(i)
    \/ IdleTick \/ TickEnd
    \/ BalExit \/ BalancerProgram \/ StarterProgram
    \/ Quiescent

(***************************************************************************)
(* Fairness (weak only).  Every step a thread takes on its own once it is  *)
(* its turn: the worker's program steps (the spare's included), the        *)
(* submitter's steps after it began a submission, a waker's spare branch,  *)
(* the end of a tick.  The balancer's duties to one worker (preempt a      *)
(* thread seen waiting, re-drain a blocked worker's queue) stay enabled    *)
(* until done, since a tick may visit any number of workers before its     *)
(* closing wake: weak fairness is exactly "every tick visits every         *)
(* worker".  Nothing is fair about what the environment decides:           *)
(* submitting, spawning, blocking, keep-alive expiry (idle workers and     *)
(* spares), balancing a merely stalled worker, and the idle-tick safety    *)
(* net (liveness must not depend on it).  The balancer thread's exit steps *)
(* and its start retry are its own steps (fair); so are the undo and the   *)
(* ensureRunning() of a starter whose start failed.  Whether a start       *)
(* fails, and whether the balancer leaves when it may, is not fair.  Spec  *)
(* adds weak fairness of Unblock (every blocking call returns);            *)
(* SpecBlockForever omits it.                                              *)
(***************************************************************************)
Fairness ==
    /\ \A w \in Slots :
          /\ WF_vars(WorkerProgram(w))
          /\ WF_vars(PreemptWaiting(w))
          /\ WF_vars(RedrainBlocked(w))
    /\ WF_vars(SubmitterProgram)
    /\ \A c \in WakerIds : /\ WF_vars(WakerReserve(c)) /\ WF_vars(WakerPop(c))
                          /\ WF_vars(WakerRelease(c)) /\ WF_vars(WakerAgain(c))
                          /\ WF_vars(WakerStart(c))
    /\ WF_vars(ExitWake)
    /\ \A k \in SWKinds : /\ WF_vars(SWTest(k)) /\ WF_vars(SWReserve(k)) /\ WF_vars(SWPoll(k))
                         /\ WF_vars(SWRelease(k))
                         /\ \A t \in BPTasks : WF_vars(SWStart(k, t)) /\ WF_vars(SWMove(k, t))
    /\ \A k \in SWKinds \cap {"X"} : WF_vars(SWExitGlobal)
    /\ \A k \in SWKinds \cap {"N"} : WF_vars(SWCount)
    /\ \A i \in VIds : WF_vars(VExit(i))
    /\ WF_vars(TickEnd)
    /\ WF_vars(BalancerProgram)
    /\ WF_vars(StarterProgram)

\* Every blocking call returns, and so does every blocking body on a virtual thread.
BlockingCallsReturn == /\ \A w \in Slots : WF_vars(Unblock(w))
                       /\ \A i \in VIds : WF_vars(VBodyEnd(i))

Spec == Init /\ [][Next]_vars /\ Fairness /\ BlockingCallsReturn

SpecBlockForever == Init /\ [][Next]_vars /\ Fairness

-----------------------------------------------------------------------------
(* Invariants (safety). *)

TypeOK ==
    /\ pc \in [Slots -> PCs]
    /\ srch \in [Slots -> BOOLEAN]
    /\ blocked \in [Slots -> BOOLEAN]
    /\ waiting \in [Slots -> {"no", "wait", "comp"}]
    /\ wk \in [Slots -> BOOLEAN]
    /\ permit \in [Slots -> BOOLEAN]
    /\ cur \in [Slots -> Tasks \cup {NoTask}]
    /\ \A w \in Slots : Len(local[w]) <= LocalCap /\ Range(local[w]) \subseteq Tasks
    /\ Range(global) \subseteq Tasks
    /\ idle \subseteq Slots
    /\ nsearch \in Int
    /\ tstate \in [Tasks -> {"new", "queued", "held", "handed", "running", "done", "waiting",
                             "polled"}]
    /\ subPc \in {"idle", "wake", "bres", "bq", "vst", "vapp"}
    /\ bpc \in {"scan", "end", "wake", "wakeEnd"}
    /\ bal \in {"off", "loop", "exit", "stop"}
    /\ fails \in 0..MaxStartFailures
    /\ ens \in 0..MaxStartFailures
    /\ mw \in [Callers -> MWStages]
    /\ mwx \in [XSteps -> Nat]
    /\ npre \in 0..MaxPreempt
    /\ (mw[BalId] # "none") = (bpc \in {"wake", "wakeEnd"})
    /\ spares \subseteq Slots
    /\ handoff \in [Slots -> Tasks \cup {NoTask, Rejoin}]
    /\ bpc # "scan" => bal = "loop"              \* a tick runs on the balancer thread
    /\ Range(waitq) \subseteq BPTasks
    /\ vpc \in [BPTasks -> {"off", "vrun", "vexit"}]
    /\ vcur \in [BPTasks -> BPTasks \cup {NoTask}]
    /\ \A i \in BPTasks : (vpc[i] = "vrun") = (vcur[i] # NoTask)
    /\ swx \in [SWKindsAll \X SWStages -> Nat]
    /\ \A k \in SWKindsAll, s \in SWStages : ~VirtualThreads => swx[<<k, s>>] = 0
    /\ \A k \in {"N", "F"} : swx[<<k, "g">>] = 0
    /\ \A k \in {"X", "F"} : swx[<<k, "rsv">>] = 0
    /\ swheld \in [BPTasks -> Held]
    /\ ~VirtualThreads => subPc \notin {"vst", "vapp"} /\ waitq = <<>>
                          /\ \A w \in Slots : pc[w] # "dvst"

\* Every submitted task runs exactly once: never twice ...
RunsAtMostOnce == \A t \in Tasks : runs[t] <= 1

\* ... and a queued task is in exactly one queue, a running task on exactly one worker, a
\* held Declared wrapper on exactly one worker, a handed body in exactly one hand-off.
Occurrences(t) ==
    Cardinality({i \in DOMAIN global : global[i] = t})
    + Cardinality({<<w, i>> \in Slots \X (1..LocalCap) :
                      i <= Len(local[w]) /\ local[w][i] = t})
WaitOccurrences(t) == Cardinality({i \in DOMAIN waitq : waitq[i] = t})
\* ... and (waiting for a place) a waiting body is in the waiting queue exactly once, a polled
\* one held by exactly one startWaiting caller, a body running on a virtual thread on exactly
\* one thread (and on no worker).
NoTaskLostOrDuplicated ==
    \A t \in Tasks :
        /\ tstate[t] = "queued"  => Occurrences(t) = 1
        /\ tstate[t] # "queued"  => Occurrences(t) = 0
        /\ tstate[t] = "running" => Cardinality({w \in Slots : cur[w] = t})
                                    + Cardinality({i \in BPTasks : vcur[i] = t}) = 1
        /\ tstate[t] # "running" => \A i \in BPTasks : vcur[i] # t
        /\ tstate[t] = "waiting" <=> WaitOccurrences(t) = 1
        /\ WaitOccurrences(t) <= 1
        /\ t \in BPTasks => ((tstate[t] = "polled") <=> (swheld[t] # "-"))
        /\ tstate[t] \in {"waiting", "polled"} => t \in BPTasks
        /\ tstate[t] = "held"    => Cardinality({w \in Slots : cur[w] = t
                                                   /\ pc[w] \in DeclPCs \cup {"chain"}}) = 1
        /\ tstate[t] = "handed"  => Cardinality({w \in Slots : handoff[w] = t}) = 1
        /\ tstate[t] \notin {"running", "held"} => \A w \in Slots : cur[w] # t
        /\ tstate[t] # "handed" => \A w \in Slots : handoff[w] # t
        /\ tstate[t] \in {"held", "handed"} => t \in BPTasks

\* The thread count (spares and blocking-path threads included; with virtual threads their
\* places, and the places reserved for them, too) never exceeds the cap.
ThreadCap == NThreads <= MaxThreads

\* No task in the queue of a parked worker, nor of a retired (or retiring-after-handover) one,
\* nor of a spare.
NoTaskInParkedQueue  == \A w \in Slots : pc[w] = "parked" => local[w] = <<>>
NoTaskInRetiredQueue ==
    \A w \in Slots : pc[w] \in {"off", "rwake", "exit"} \cup SparePCs => local[w] = <<>>

\* A wake-up is never lost: while work waits in the global queue and a worker sleeps,
\* some worker is awake (it, or the balancer's tick that runs while it is awake, reaches the
\* work), or a sleeper holds a permit, or a wakeOne() is owed by some thread, or a failed
\* starter's wakeSleeper() is still to come or in its spare loop (mwx). A parked spare with
\* nothing handed to it is asleep too.
\* (With virtual threads a caller of startWaiting owes the same wake after it: an exiting
\* thread, a failed starter, and with GlobalRecheck any other; and a caller of Ctl.reserveWorker
\* between its two CASes, whatever the Bug: it starts the worker, or gives the place back and
\* calls startWaiting.)
WakingKinds == IF GlobalRecheck THEN SWKindsAll ELSE {"X", "F"}
WakeInFlight == \/ subPc = "wake" \/ bpc # "scan" \/ ens > 0 \/ \E w \in Slots : wk[w]
                \/ \E c \in Callers : ~Free(c)
                \/ \E k \in XSteps : mwx[k] > 0
                \/ \E k \in WakingKinds, s \in SWStages : swx[<<k, s>>] > 0
                \/ swx[<<"N", "rsv">>] > 0
                \/ \E t \in BPTasks : swheld[t] \in {HS[k] : k \in WakingKinds}
                                                  \cup {HM[k] : k \in WakingKinds}
NoLostWakeup ==
    (global # <<>> /\ \E w \in Slots : pc[w] = "parked")
        => \/ \E w \in Slots : pc[w] \notin {"off", "parked"} /\ ~SpareParked(w)
           \/ \E w \in Slots : pc[w] = "parked" /\ permit[w]
           \/ WakeInFlight
\* ... nor when every thread is gone: a wakeOne() is still to come, or, once a start has
\* failed, the balancer thread exists (it retries the start) or a failed starter's
\* ensureRunning() is still to come.
\* With virtual threads: or the balancer thread exists (it retries a start while work waits
\* with no worker thread: Lifecycle.needsStartRetry leaves virtual bodies out), or every place
\* is held (at the cap the work waits for a place; the next release must then wake).
NoOrphanedWork ==
    global # <<>> => \/ Threads # {}
                     \/ WakeInFlight
                     \/ fails > 0 /\ (bal # "off" \/ ens > 0)
                     \/ VirtualThreads /\ (bal # "off" \/ NThreads = MaxThreads)

\* A worker thread never runs without a balancer thread (its exit re-checks the count).
BalancerWhileThreads == Threads # {} => bal # "off"

\* The bookkeeping behind the searching protocol (IdleSet.searching, IdleSet membership).
\* A popped worker is counted by its waker before it knows it was popped; so is a spare
\* popped as a replacement (handed REJOIN).
Popped(w) == pc[w] \in {"check", "parked"} /\ w \notin idle
SearchingCountExact ==
    nsearch = Cardinality({w \in Slots : srch[w]}) + Cardinality({w \in Slots : Popped(w)})
              + Cardinality({w \in Slots : handoff[w] = Rejoin})
IdleSetHoldsOnlyIdle == \A w \in idle : pc[w] \in {"check", "parked"}
CountedWithinParallelism == CtlCounted <= Parallelism

\* No stranded task, the safety half (cheap, and it needs no liveness check to fail): work
\* waits in the global queue with a slot free and a spare parked, and every thread is a parked
\* spare, an idle worker parked without a permit, or a blocked worker stuck in a blocking call
\* with its queue empty (so no balancer duty is owed to it): then some wake-up must be in
\* flight. A state that breaks this enables no fair step that could end the strand (the
\* balancer's idle tick is not fair, a stuck call need not return), so it also breaks
\* NoStrandedTask under SpecBlockForever; the converse need not hold, so the liveness check
\* stays. The negative controls of the strand fail it (Bug_WakerNoRecheckAfterRelease,
\* Bug_SpareNoRecheck).
Dormant(w) == \/ pc[w] = "off"
              \/ SpareParked(w)
              \/ pc[w] = "parked" /\ ~permit[w]
              \/ Stuck(w) /\ blocked[w] /\ local[w] = <<>>
NoStrandedSpare ==
    (/\ global # <<>>
     /\ CtlCounted < Parallelism
     /\ \E w \in Slots : SpareParked(w)
     /\ \A w \in Slots : Dormant(w))
        => WakeInFlight

\* The spare set holds only published spares, blocked, with no hand-off pending.
SpareSetHoldsOnlySpares ==
    \A w \in spares : pc[w] \in InSet /\ blocked[w] /\ handoff[w] = NoTask
\* A hand-off is never lost nor delivered twice: it is pending only on a spare out of the set
\* (its pop took it out) that has still to read it (parked, re-checking or timing out), so
\* that spare acts on it exactly once; it never exits with it, and nobody pops it again.
NoLostHandOff ==
    \A w \in Slots : handoff[w] # NoTask => pc[w] \in InSet /\ w \notin spares

\* Waiting for a place (VirtualThreads). A re-check is in flight: a startWaiting caller is in
\* its loop (about to read the queue, to reserve, to poll or to give back an empty poll's
\* place) or holds a polled body (it loops again after the start, or moves every waiting body
\* to the global queue after a failed one).
PlaceRecheckInFlight == \/ \E k \in SWKindsAll, s \in SWLoop : swx[<<k, s>>] > 0
                        \/ \E t \in BPTasks : swheld[t] # "-"
\* No stranded body, the safety half: a body never waits while a place is free unless a
\* re-check is in flight (the Dekker pair: the submitter's re-check or the releaser's). Not
\* counted as in flight: a running virtual body (it polls the queue when it ends, but it may
\* run for ever), a thread holding a place (it is not free), an exiting thread past its loop.
NoStrandedWaiting == (waitq # <<>> /\ NThreads < MaxThreads) => PlaceRecheckInFlight
\* The termination half: no thread at all (the state in which Lifecycle.tryTerminate would
\* terminate a scheduler that is shut down) while a body waits, unless a re-check is in flight
\* (the model has no shutdown; implied by NoStrandedWaiting, which needs MaxThreads > 0).
NoIdleWithWaiting == (waitq # <<>> /\ NThreads = 0) => PlaceRecheckInFlight

-----------------------------------------------------------------------------
(* Temporal properties (liveness). *)

Started(t) == tstate[t] \in {"running", "done"}
Pending(t) == tstate[t] \in {"queued", "held", "handed", "waiting", "polled"}

\* Every submitted task eventually runs (under Spec: every blocking call returns).
EveryTaskRuns == \A t \in Tasks : Pending(t) ~> Started(t)

\* ... and completes.
EveryTaskCompletes == \A t \in Tasks : Pending(t) ~> tstate[t] = "done"

\* The same two, checked against SpecBlockForever: they hold in every behaviour in which
\* every blocking call returns (so one run of TLC checks all the temporal properties).
EveryTaskRunsIfCallsReturn == BlockingCallsReturn => EveryTaskRuns
EveryTaskCompletesIfCallsReturn == BlockingCallsReturn => EveryTaskCompletes

\* A task in a blocked worker's queue is eventually moved out of it, even if the blocked
\* task never returns (checked under SpecBlockForever).
BlockedQueueDrained ==
    \A w \in Slots, t \in Tasks :
        (blocked[w] /\ t \in Range(local[w])) ~> t \notin Range(local[w])

\* When every thread is stuck in a blocking call or parked as a spare while work waits, and
\* the cap allows a new thread or a spare exists, a worker that can run the work eventually
\* exists (a replacement is started, woken or popped from the spares).
WorkWaiting == global # <<>> \/ \E w \in Slots : local[w] # <<>>
ReplacementStarted ==
    (/\ Threads # {}
     /\ \A w \in Threads : Stuck(w) \/ SpareParked(w)
     /\ WorkWaiting
     /\ NThreads < MaxThreads \/ \E w \in Threads : SpareParked(w))
    ~> \/ \E w \in Threads : ~Stuck(w) /\ ~SpareParked(w) /\ pc[w] \notin Doomed
       \/ ~WorkWaiting

\* With failing starts: a start that failed while other threads exist is retried by the
\* closing wakeOne() of the balancer's next tick, the safety net that the model leaves unfair
\* (IdleTick). So ReplacementStarted holds if that tick is fair (Scheduler_startfail_blocking).
ReplacementStartedIfTicks == WF_vars(IdleTick) => ReplacementStarted

\* No stranded task: work in the global queue, a parallelism slot free, and a spare to take
\* it or a thread the cap allows to start, does not stay so: the work is taken, or the slot
\* filled, or the spare and the room for a thread are gone (checked under SpecBlockForever:
\* it must not depend on a blocking call's return, nor on the balancer's idle tick).
Stranded == /\ global # <<>>
            /\ CtlCounted < Parallelism
            /\ spares # {} \/ NThreads < MaxThreads
NoStrandedTask == Stranded ~> ~Stranded
\* The same, given the balancer's safety-net tick (IdleTick) is fair.
NoStrandedTaskIfTicks == WF_vars(IdleTick) => NoStrandedTask

\* Waiting for a place (VirtualThreads). A body waiting while a place is free does not stay so:
\* it takes the place, or the places fill up, or the bodies move to the global queue (checked
\* under SpecBlockForever: it must not depend on a body's or a blocking call's return).
StrandedBody == waitq # <<>> /\ NThreads < MaxThreads
NoStrandedBody == StrandedBody ~> ~StrandedBody
\* Every waiting body eventually runs (on a virtual thread, or on a worker after a failed start
\* moved it to the global queue), given that blocking calls and bodies return; with
\* RunsAtMostOnce and NoTaskLostOrDuplicated: each body runs exactly once.
WaitingBodyRuns == \A t \in BPTasks : tstate[t] = "waiting" ~> Started(t)
WaitingBodyRunsIfCallsReturn == BlockingCallsReturn => WaitingBodyRuns
=============================================================================
