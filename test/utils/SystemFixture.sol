// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {Accounting} from "../../contracts/Accounting.sol";
import {ClassToken} from "../../contracts/ClassToken.sol";
import {ReportOracle} from "../../contracts/ReportOracle.sol";
import {ServiceRegistry} from "../../contracts/ServiceRegistry.sol";
import {ServiceAllocations} from "../../contracts/services/ServiceAllocations.sol";
import {ServiceSlashing} from "../../contracts/services/ServiceSlashing.sol";
import {CascadePool} from "../../contracts/CascadePool.sol";
import {IAccounting} from "../../contracts/interfaces/IAccounting.sol";
import {IStakingRouter} from "../../contracts/interfaces/IStakingRouter.sol";
import {IYieldClasses} from "../../contracts/interfaces/IYieldClasses.sol";
import {RouterFixture} from "./RouterFixture.sol";

/// @notice The whole system wired as deploy/system.ts does it: router stack and pool
/// (RouterFixture), then accounting ↔ oracle proxies at addresses predicted from this contract's
/// nonce, links and roles, default classes A/B/C; plus report, deposit and redemption helpers.
/// `book` and `queue` name the pool's two roles (class book, redemption queue).
abstract contract SystemFixture is RouterFixture {
    uint256 internal constant SECONDS_PER_SLOT = 12;
    uint256 internal constant SLOTS_PER_FRAME = 32;
    uint256 internal constant FRAME = SECONDS_PER_SLOT * SLOTS_PER_FRAME;
    uint256 internal constant ORACLE_QUORUM = 2;

    address internal treasury = makeAddr("treasury");
    address[] internal members;

    CascadePool internal book;
    CascadePool internal queue;
    Accounting internal accounting;
    ReportOracle internal oracle;
    ClassToken[] internal tokens;
    ServiceRegistry internal registry;
    address internal serviceManager = makeAddr("serviceManager");
    address internal allocator = makeAddr("allocator");
    address internal vetoer = makeAddr("vetoer");

    // ---------------------------------------------------------------- deployment

    /// @dev Limits of deploy/system.ts.
    function _defaultLimits() internal pure returns (IAccounting.Limits memory) {
        return
            IAccounting.Limits({
                maxAprBps: 1000,
                maxDropBps: 500,
                maxExitRequests: 64,
                maxLosses: 64,
                maxFinalizePerReport: 500,
                maxRewardAprBps: 0 // no reward cap here: test/security/RewardCap.t.sol sets one
            });
    }

    /// @dev Fee parameters of deploy/system.ts's defaultConfig.
    function _defaultParams() internal view returns (IAccounting.Params memory) {
        return
            IAccounting.Params({
                treasury: treasury,
                treasuryFeeBps: 500,
                serviceFeeBps: 1000,
                lambdaBps: 2000,
                slashPenaltyBps: 1000,
                exitDeadline: uint32(4 * FRAME)
            });
    }

    /// @dev Classes A/B/C of deploy/system.ts's defaultClasses.
    function _defaultClasses() internal pure returns (IYieldClasses.ClassParams[] memory c) {
        c = new IYieldClasses.ClassParams[](3);
        c[0] = IYieldClasses.ClassParams(1000, 2500, 2500, uint32(FRAME), 0);
        c[1] = IYieldClasses.ClassParams(500, 1500, 2500, uint32(2 * FRAME), 0);
        c[2] = IYieldClasses.ClassParams(0, 0, 0, uint32(2 * FRAME), 0);
    }

    /// @dev Full default system: curated (id 0) and bonded (id 1) modules, classes A/B/C.
    function _deploySystem() internal {
        _deployDefault();
        _deployBookAndReports(_defaultLimits(), _defaultParams());
        IYieldClasses.ClassParams[] memory c = _defaultClasses();
        for (uint256 i; i < c.length; ++i) _addClass(c[i]);
    }

    /// @dev Book, queue, accounting, oracle and their wiring, on an already deployed router.
    function _deployBookAndReports(IAccounting.Limits memory lim, IAccounting.Params memory p) internal {
        for (uint256 i; i < 3; ++i) members.push(makeAddr(string.concat("member", vm.toString(i))));
        book = pool;
        queue = pool;
        // Accounting ↔ oracle refer to each other: predict the two proxy addresses.
        address accountingImpl = address(
            new Accounting(address(router), address(exits), address(pool), address(wv), address(elv))
        );
        address oracleImpl = address(new ReportOracle());
        uint256 nonce = vm.getNonce(address(this));
        address accountingAddr = vm.computeCreateAddress(address(this), nonce);
        address oracleAddr = vm.computeCreateAddress(address(this), nonce + 1);
        new ERC1967Proxy(accountingImpl, abi.encodeCall(Accounting.initialize, (admin, oracleAddr, lim, p)));
        new ERC1967Proxy(
            oracleImpl,
            abi.encodeCall(
                ReportOracle.initialize,
                (
                    admin,
                    accountingAddr,
                    block.timestamp,
                    SECONDS_PER_SLOT,
                    SLOTS_PER_FRAME,
                    members,
                    ORACLE_QUORUM
                )
            )
        );
        accounting = Accounting(accountingAddr);
        oracle = ReportOracle(oracleAddr);
        require(address(oracle).code.length != 0, "oracle at predicted address");

        vm.startPrank(admin);
        pool.setAccounting(accountingAddr);
        router.grantRole(router.ACCOUNTING_ROLE(), accountingAddr);
        exits.grantRole(exits.ACCOUNTING_ROLE(), accountingAddr);
        vm.stopPrank();
    }

    /// @dev The ServiceRegistry wired as deploy/system.ts does it (after the book and reports):
    /// the router's SERVICES_ROLE to the registry, both links, the three service roles.
    function _deployServiceRegistry(uint256 coverFactorBps) internal {
        registry = ServiceRegistry(
            address(
                new ERC1967Proxy(
                    address(
                        new ServiceRegistry(address(new ServiceAllocations()), address(new ServiceSlashing()))
                    ),
                    abi.encodeCall(
                        ServiceRegistry.initialize,
                        (admin, address(router), address(book), address(accounting), coverFactorBps)
                    )
                )
            )
        );
        _rebuildModules(address(registry));
        vm.startPrank(admin);
        router.grantRole(router.SERVICES_ROLE(), address(registry));
        accounting.setServiceRegistry(address(registry));
        book.setServiceRegistry(address(registry));
        registry.grantRole(registry.SERVICE_MANAGER_ROLE(), serviceManager);
        registry.grantRole(registry.ALLOCATOR_ROLE(), allocator);
        registry.grantRole(registry.VETO_ROLE(), vetoer);
        vm.stopPrank();
    }

    function _addClass(IYieldClasses.ClassParams memory p) internal returns (uint256 classId) {
        classId = tokens.length;
        string memory n = string.concat("Cascade class ", vm.toString(classId));
        ClassToken t = new ClassToken(n, string.concat("c", vm.toString(classId)), address(pool), classId);
        vm.prank(classManager);
        book.addClass(address(t), p);
        tokens.push(t);
    }

    // ---------------------------------------------------------------- depositors

    function _deposit(address who, uint256 classId, uint256 amount) internal returns (uint256 shares) {
        vm.deal(who, who.balance + amount);
        vm.prank(who);
        shares = pool.deposit{value: amount}(classId, who, 0);
    }

    function _request(address who, uint256 classId, uint256 shares) internal returns (uint256 id) {
        vm.prank(who);
        id = queue.requestRedeem(classId, shares, who, who);
    }

    // ---------------------------------------------------------------- reports

    /// @dev A report that repeats every module's current state (no change), perf on par.
    function _emptyReport() internal view returns (IAccounting.Report memory r) {
        uint256 count = router.moduleCount();
        r.refSlot = _nextRefSlot();
        r.modules = new IAccounting.ModuleReport[](count);
        for (uint256 id; id < count; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            r.modules[id] = IAccounting.ModuleReport({
                clValidators: m.clValidators,
                exited: m.exited,
                clBalance: m.clBalance,
                withdrawn: 0,
                perfBps: 10_000,
                slashedValidators: 0
            });
        }
        r.losses = new IAccounting.OperatorLoss[](0);
        r.exits = new IAccounting.ExitRequest[](0);
    }

    /// @dev A report in which every deposited validator is seen with 32 ETH (no gain, no loss).
    function _activateAllReport() internal view returns (IAccounting.Report memory r) {
        r = _emptyReport();
        for (uint256 id; id < r.modules.length; ++id) {
            IStakingRouter.Module memory m = router.getModule(id);
            r.modules[id].clValidators = m.deposited;
            r.modules[id].clBalance = uint128(m.clBalance + (m.deposited - m.clValidators) * 32 ether);
        }
    }

    /// @dev The oracle's current refSlot when it is new, else one past the last applied.
    function _nextRefSlot() internal view returns (uint256) {
        (uint256 last, ) = accounting.lastReport();
        uint256 current = oracle.currentRefSlot();
        return current > last ? current : last + 1;
    }

    /// @dev Applies `r` as the oracle contract (skips the member vote).
    function _applyDirect(IAccounting.Report memory r) internal {
        vm.prank(address(oracle));
        accounting.handleReport(r);
    }

    /// @dev Votes `r` (refSlot set to the current frame) with a quorum of members and submits it.
    function _applyViaOracle(IAccounting.Report memory r) internal {
        r.refSlot = oracle.currentRefSlot();
        bytes32 h = keccak256(abi.encode(r));
        for (uint256 i; i < ORACLE_QUORUM; ++i) {
            vm.prank(members[i]);
            oracle.submitReportHash(r.refSlot, h);
        }
        vm.prank(members[0]);
        oracle.submitReportData(r);
    }

    /// @dev Sum of every class NAV.
    function _navSum() internal view returns (uint256) {
        return book.totalNav();
    }

    /// @dev Deposits `n` validators through the guardians and reports them active at 32 ETH.
    function _stake(uint256 n) internal {
        require(_depositAll(n) == n, "fixture stakes all n");
        _applyDirect(_activateAllReport());
    }

    /// @dev Classes C, B, A of 10 / 30 / 60 ETH (A at exactly 4x its cover) from three holders.
    function _seedClasses() internal {
        _deposit(makeAddr("carol"), 2, 10 ether);
        _deposit(makeAddr("bob"), 1, 30 ether);
        _deposit(makeAddr("alice"), 0, 60 ether);
    }
}
